using System.Buffers.Binary;
using System.Security.Cryptography;

namespace LastKnownGood.Registry;

/// <summary>A SHA-256 digest: the address of a key node or a content blob in the hive.</summary>
public readonly record struct ContentHash(UInt128 High, UInt128 Low)
{
    public const int Size = 32;

    public static ContentHash Of(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Size];
        SHA256.HashData(data, digest);
        return FromBytes(digest);
    }

    public static ContentHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new HiveCorruptException($"A stored hash is {bytes.Length} bytes long instead of {Size}.");
        }

        return new(BinaryPrimitives.ReadUInt128BigEndian(bytes), BinaryPrimitives.ReadUInt128BigEndian(bytes[16..]));
    }

    public static bool TryParse(string text, out ContentHash hash)
    {
        hash = default;
        if (text.Length != Size * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        hash = FromBytes(bytes);
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt128BigEndian(destination, High);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..], Low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public override string ToString() => Convert.ToHexStringLower(ToArray());

    /// <summary>The first 12 hex digits, as git abbreviates a hash.</summary>
    public string ToShortString() => ToString()[..12];
}
