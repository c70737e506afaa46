using System.Buffers.Binary;
using System.Security.Cryptography;

namespace LastKnownGood.Registry;

/// <summary>A SHA-256 digest: the address of a key node or a content blob in the hive.</summary>
/// <remarks>
/// Four big-endian 64-bit words rather than two <see cref="UInt128"/>s: ReadyToRun does not
/// precompile a method whose code depends on UInt128's layout, so with them every method on the
/// hive's read path was compiled just in time at each start of the kernel.
/// </remarks>
public readonly record struct ContentHash
{
    public const int Size = 32;

    private readonly ulong _word0;
    private readonly ulong _word1;
    private readonly ulong _word2;
    private readonly ulong _word3;

    private ContentHash(ulong word0, ulong word1, ulong word2, ulong word3)
    {
        _word0 = word0;
        _word1 = word1;
        _word2 = word2;
        _word3 = word3;
    }

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

        return new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]), BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
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

    /// <summary>The first 32 bits, a key for a table that checks the whole hash on a hit.</summary>
    internal int Prefix => (int)(_word0 >> 32);

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _word0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _word1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _word2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _word3);
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
