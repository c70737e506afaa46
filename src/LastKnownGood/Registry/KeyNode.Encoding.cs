using System.Text;

namespace LastKnownGood.Registry;

public sealed partial class KeyNode
{
    private const byte FormatVersion = 1;

    /// <summary>The canonical encoding whose SHA-256 is the node's address.</summary>
    internal byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write7BitEncodedInt(Values.Count);
            foreach (var (name, value) in Values)
            {
                writer.Write(name);
                writer.Write7BitEncodedInt((int)value.Kind);
                writer.Write7BitEncodedInt(value.Data.Length);
                writer.Write(value.Data);
            }

            writer.Write7BitEncodedInt(Subkeys.Count);
            Span<byte> hash = stackalloc byte[ContentHash.Size];
            foreach (var (name, subkeyHash) in Subkeys)
            {
                writer.Write(name);
                subkeyHash.WriteTo(hash);
                writer.Write(hash);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Decodes a node whose hash was already checked. A malformed encoding is corruption: counts
    /// and lengths beyond the bytes there are, invalid names, names out of order or repeated
    /// (lookups are binary searches), unknown value kinds and trailing bytes.
    /// </summary>
    internal static KeyNode Decode(byte[] data, ContentHash hash)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
            if (reader.ReadByte() != FormatVersion)
            {
                throw Corrupt(hash, "has an unknown format version");
            }

            // A value takes at least 3 bytes (name length, kind, data length); a subkey 1 + its hash.
            var values = new NamedValue[ReadCount(reader, data, 3, hash)];
            for (var i = 0; i < values.Length; i++)
            {
                var name = ReadName(reader, hash, RegistryNames.TryValidateValueName, i > 0 ? values[i - 1].Name : null);
                var kind = (RegistryValueKind)reader.Read7BitEncodedInt();
                var bytes = reader.ReadBytes(ReadCount(reader, data, 1, hash));
                if (!RegistryValue.TryDecode(kind, bytes, out var value))
                {
                    throw Corrupt(hash, $"holds a malformed value \"{Quote.Short(name)}\"");
                }

                values[i] = new(name, value);
            }

            var subkeys = new SubkeyLink[ReadCount(reader, data, 1 + ContentHash.Size, hash)];
            for (var i = 0; i < subkeys.Length; i++)
            {
                var name = ReadName(reader, hash, RegistryNames.TryValidateKeyName, i > 0 ? subkeys[i - 1].Name : null);
                subkeys[i] = new(name, ContentHash.FromBytes(reader.ReadBytes(ContentHash.Size)));
            }

            if (reader.BaseStream.Position != data.Length)
            {
                throw Corrupt(hash, "has trailing bytes");
            }

            return new(values, subkeys);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException or ArgumentException)
        {
            throw new HiveCorruptException($"Key node {hash.ToShortString()} cannot be decoded: {e.Message}", e);
        }
    }

    /// <summary>A count or length, which cannot exceed what the remaining bytes can hold.</summary>
    private static int ReadCount(BinaryReader reader, byte[] data, int bytesEach, ContentHash hash)
    {
        var count = reader.Read7BitEncodedInt();
        if (count < 0 || count > (data.Length - reader.BaseStream.Position) / bytesEach)
        {
            throw Corrupt(hash, $"claims {count} entries or bytes, more than it holds");
        }

        return count;
    }

    private delegate bool NameRule(string name, out string error);

    private static string ReadName(BinaryReader reader, ContentHash hash, NameRule rule, string? previous)
    {
        var name = reader.ReadString();
        if (!rule(name, out var error))
        {
            throw Corrupt(hash, $"holds an invalid name ({error})");
        }

        if (previous is not null && RegistryNames.Comparer.Compare(previous, name) >= 0)
        {
            throw Corrupt(hash, $"has names out of order or repeated at \"{Quote.Short(name)}\"");
        }

        return name;
    }

    private static HiveCorruptException Corrupt(ContentHash hash, string what) =>
        new($"Key node {hash.ToShortString()} {what}.");
}
