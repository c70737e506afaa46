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

    /// <summary>Decodes a node whose hash was already checked; a malformed encoding is corruption.</summary>
    internal static KeyNode Decode(byte[] data, ContentHash hash)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
            if (reader.ReadByte() != FormatVersion)
            {
                throw new HiveCorruptException($"Key node {hash.ToShortString()} has an unknown format version.");
            }

            var values = new NamedValue[reader.Read7BitEncodedInt()];
            for (var i = 0; i < values.Length; i++)
            {
                var name = reader.ReadString();
                var kind = (RegistryValueKind)reader.Read7BitEncodedInt();
                var bytes = reader.ReadBytes(reader.Read7BitEncodedInt());
                if (!RegistryValue.TryDecode(kind, bytes, out var value))
                {
                    throw new HiveCorruptException($"Key node {hash.ToShortString()} holds a malformed value \"{name}\".");
                }

                values[i] = new(name, value);
            }

            var subkeys = new SubkeyLink[reader.Read7BitEncodedInt()];
            for (var i = 0; i < subkeys.Length; i++)
            {
                subkeys[i] = new(reader.ReadString(), ContentHash.FromBytes(reader.ReadBytes(ContentHash.Size)));
            }

            if (reader.BaseStream.Position != data.Length)
            {
                throw new HiveCorruptException($"Key node {hash.ToShortString()} has trailing bytes.");
            }

            return new(values, subkeys);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            throw new HiveCorruptException($"Key node {hash.ToShortString()} cannot be decoded: {e.Message}", e);
        }
    }
}
