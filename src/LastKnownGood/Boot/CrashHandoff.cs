using System.Buffers.Binary;
using System.Text.Json;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Boot;

/// <summary>
/// How a bug checking kernel hands its crash record to the boot manager (DESIGN §3, §9): one
/// frame on a pipe the boot manager opened before the boot, a 4-byte little-endian length and
/// the record as UTF-8 JSON. The kernel writes it without touching the hive, a lock or the disk;
/// the boot manager makes it durable. Written and read here only.
/// </summary>
public static class CrashHandoff
{
    /// <summary>The kernel's option naming the pipe's write end.</summary>
    public const string Option = "--crash-fd";

    /// <summary>A record is never larger; a length beyond it means the frame is not one.</summary>
    public const int MaxRecordBytes = 16 << 20;

    public static byte[] Encode(CrashRecord record)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record, CrashJson.Default.CrashRecord);
        var frame = new byte[sizeof(int) + json.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, json.Length);
        json.CopyTo(frame.AsSpan(sizeof(int)));
        return frame;
    }

    /// <summary>The record of one whole frame, or null when the pipe ends first (the kernel ended without a bug check, or died writing).</summary>
    public static async Task<CrashRecord?> ReadAsync(Stream pipe)
    {
        var length = new byte[sizeof(int)];
        if (!await ReadAllAsync(pipe, length))
        {
            return null;
        }

        var size = BinaryPrimitives.ReadInt32LittleEndian(length);
        if (size is <= 0 or > MaxRecordBytes)
        {
            return null;
        }

        var json = new byte[size];
        if (!await ReadAllAsync(pipe, json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, CrashJson.Default.CrashRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<bool> ReadAllAsync(Stream pipe, byte[] buffer)
    {
        try
        {
            await pipe.ReadExactlyAsync(buffer);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
