using System.Buffers.Binary;
using System.Text;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Boot;

/// <summary>
/// How a bug checking kernel hands its crash record to the boot manager (DESIGN §3, §9): one
/// frame on a pipe the boot manager opened before the boot, a 4-byte little-endian length and
/// the record in a plain binary layout (<see cref="BinaryWriter"/>: strings length-prefixed
/// UTF-8, a flag byte before each optional field). Binary, not JSON: the kernel encodes it after
/// the bug check is decided and before its group stops, and a serializer's first use cost tens of
/// milliseconds there (bench/README.md, bug check). Written and read here only.
/// </summary>
public static class CrashHandoff
{
    /// <summary>The kernel's option naming the pipe's write end.</summary>
    public const string Option = "--crash-fd";

    /// <summary>A record is never larger; a length beyond it means the frame is not one.</summary>
    public const int MaxRecordBytes = 16 << 20;

    public static byte[] Encode(CrashRecord record)
    {
        using var buffer = new MemoryStream();
        buffer.Write(stackalloc byte[sizeof(int)]);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(record.Time.UtcTicks);
            writer.Write((uint)record.Code);
            WriteList(writer, record.Parameters, writer.Write);
            WriteNullable(writer, record.Boot, writer.Write);
            writer.Write(record.ControlSet);
            WriteOptional(writer, record.Component, writer.Write);
            WriteOptional(writer, record.ExceptionType, writer.Write);
            writer.Write(record.Message);
            writer.Write(record.Stack);
            WriteList(writer, record.LastEvents, writer.Write);
            WriteList(writer, record.Frames, frame =>
            {
                writer.Write(frame.Module);
                WriteOptional(writer, frame.Owner, writer.Write);
                writer.Write(frame.Type);
                writer.Write(frame.Method);
                writer.Write(frame.MethodToken);
                writer.Write(frame.ILOffset);
                WriteOptional(writer, frame.ModulePath, writer.Write);
            });
            WriteOptional(writer, record.Pool, pool =>
            {
                writer.Write(pool.Block);
                WriteOptional(writer, pool.BlockTag, writer.Write);
                WriteOptional(writer, pool.BlockOwner, writer.Write);
                WriteNullable(writer, pool.PrecedingBlock, writer.Write);
                WriteOptional(writer, pool.PrecedingTag, writer.Write);
                WriteOptional(writer, pool.PrecedingOwner, writer.Write);
            });
        }

        var frame = buffer.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length - sizeof(int));
        return frame;
    }

    /// <summary>The record of one whole frame, or null when the pipe ends first (the kernel ended without a bug check, or died writing) or the frame is not a record.</summary>
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

        var body = new byte[size];
        if (!await ReadAllAsync(pipe, body))
        {
            return null;
        }

        try
        {
            return Decode(new BinaryReader(new MemoryStream(body), Encoding.UTF8));
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static CrashRecord Decode(BinaryReader reader)
    {
        var time = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var code = (BugCheckCode)reader.ReadUInt32();
        var parameters = ReadList(reader, reader.ReadUInt64);
        var boot = ReadNullable(reader, reader.ReadInt32);
        var controlSet = reader.ReadInt32();
        var component = ReadOptional(reader, reader.ReadString);
        var exceptionType = ReadOptional(reader, reader.ReadString);
        var message = reader.ReadString();
        var stack = reader.ReadString();
        var events = ReadList(reader, reader.ReadString);
        var frames = ReadList(reader, () => new CrashFrame(
            reader.ReadString(), ReadOptional(reader, reader.ReadString), reader.ReadString(), reader.ReadString(),
            reader.ReadInt32(), reader.ReadInt32(), ReadOptional(reader, reader.ReadString)));
        var pool = reader.ReadBoolean()
            ? new PoolEvidence(reader.ReadUInt64(), ReadOptional(reader, reader.ReadString), ReadOptional(reader, reader.ReadString),
                ReadNullable(reader, reader.ReadUInt64), ReadOptional(reader, reader.ReadString), ReadOptional(reader, reader.ReadString))
            : null;
        return new CrashRecord(time, code, parameters, boot, controlSet, component, exceptionType, message, stack, events) { Frames = frames, Pool = pool };
    }

    private static void WriteList<T>(BinaryWriter writer, IReadOnlyList<T> items, Action<T> write)
    {
        writer.Write(items.Count);
        foreach (var item in items)
        {
            write(item);
        }
    }

    private static T[] ReadList<T>(BinaryReader reader, Func<T> read)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > reader.BaseStream.Length)
        {
            throw new FormatException($"A list of {count} items cannot be in this frame.");
        }

        var items = new T[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = read();
        }

        return items;
    }

    private static void WriteOptional<T>(BinaryWriter writer, T? value, Action<T> write) where T : class
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            write(value);
        }
    }

    private static void WriteNullable<T>(BinaryWriter writer, T? value, Action<T> write) where T : struct
    {
        writer.Write(value.HasValue);
        if (value is { } present)
        {
            write(present);
        }
    }

    private static T? ReadOptional<T>(BinaryReader reader, Func<T> read) where T : class => reader.ReadBoolean() ? read() : null;

    private static T? ReadNullable<T>(BinaryReader reader, Func<T> read) where T : struct => reader.ReadBoolean() ? read() : null;

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
