using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace LastKnownGood.Registry;

/// <summary>
/// A typed registry value, held in its canonical encoding (little-endian integers, UTF-8
/// strings, MULTI_SZ strings separated by NUL, FILE as hash, size and name). Two values are
/// equal when their kinds and encodings are.
/// </summary>
[JsonConverter(typeof(RegistryValueJsonConverter))]
public sealed class RegistryValue : IEquatable<RegistryValue>
{
    /// <summary>The largest value data the hive takes; larger data belongs in a FILE value.</summary>
    public const int MaxDataSize = 1024 * 1024;

    private readonly byte[] _data;

    private RegistryValue(RegistryValueKind kind, byte[] data)
    {
        if (data.Length > MaxDataSize)
        {
            throw new LkgException(NtStatus.InsufficientResources,
                $"The value is {data.Length:N0} bytes, over the limit of {MaxDataSize:N0}; store large data as a content file (lkg content push) instead.");
        }

        Kind = kind;
        _data = data;
    }

    public RegistryValueKind Kind { get; }

    public ReadOnlySpan<byte> Data => _data;

    public static RegistryValue Dword(uint value)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, value);
        return new(RegistryValueKind.Dword, data);
    }

    public static RegistryValue Qword(ulong value)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, value);
        return new(RegistryValueKind.Qword, data);
    }

    public static RegistryValue String(string value) =>
        new(RegistryValueKind.Sz, Encoding.UTF8.GetBytes(RegistryNames.RequireNoNul(value)));

    public static RegistryValue MultiString(IEnumerable<string> values) =>
        new(RegistryValueKind.MultiSz, Encoding.UTF8.GetBytes(string.Join('\0', values.Select(RegistryNames.RequireNoNul))));

    public static RegistryValue Binary(ReadOnlySpan<byte> value) => new(RegistryValueKind.Binary, value.ToArray());

    public static RegistryValue File(FileReference file)
    {
        var name = Encoding.UTF8.GetBytes(RegistryNames.RequireNoNul(file.Name));
        var data = new byte[ContentHash.Size + 8 + name.Length];
        file.Hash.WriteTo(data);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(ContentHash.Size), file.Size);
        name.CopyTo(data, ContentHash.Size + 8);
        return new(RegistryValueKind.File, data);
    }

    /// <summary>Rebuilds a value from its stored encoding; false when the encoding does not fit the kind.</summary>
    internal static bool TryDecode(RegistryValueKind kind, byte[] data, out RegistryValue value)
    {
        value = new(kind, data);
        return kind switch
        {
            RegistryValueKind.Dword => data.Length == 4,
            RegistryValueKind.Qword => data.Length == 8,
            RegistryValueKind.File => data.Length >= ContentHash.Size + 8,
            RegistryValueKind.Sz or RegistryValueKind.MultiSz or RegistryValueKind.Binary => true,
            _ => false,
        };
    }

    public uint AsDword() => BinaryPrimitives.ReadUInt32LittleEndian(Expect(RegistryValueKind.Dword));

    public ulong AsQword() => BinaryPrimitives.ReadUInt64LittleEndian(Expect(RegistryValueKind.Qword));

    public string AsString() => Encoding.UTF8.GetString(Expect(RegistryValueKind.Sz));

    public IReadOnlyList<string> AsMultiString()
    {
        var text = Encoding.UTF8.GetString(Expect(RegistryValueKind.MultiSz));
        return text.Length == 0 ? [] : text.Split('\0');
    }

    public FileReference AsFile()
    {
        var data = Expect(RegistryValueKind.File);
        return new(
            ContentHash.FromBytes(data[..ContentHash.Size]),
            BinaryPrimitives.ReadInt64LittleEndian(data[ContentHash.Size..]),
            Encoding.UTF8.GetString(data[(ContentHash.Size + 8)..]));
    }

    /// <summary>The value as a person reads it: numbers in hex and decimal, lists joined, files by name and hash.</summary>
    public string ToDisplayString() => Kind switch
    {
        RegistryValueKind.Dword => $"0x{AsDword():x8} ({AsDword().ToString(CultureInfo.InvariantCulture)})",
        RegistryValueKind.Qword => $"0x{AsQword():x16} ({AsQword().ToString(CultureInfo.InvariantCulture)})",
        RegistryValueKind.Sz => AsString(),
        RegistryValueKind.MultiSz => string.Join(", ", AsMultiString()),
        RegistryValueKind.Binary => Convert.ToHexStringLower(_data),
        RegistryValueKind.File => $"{AsFile().Name} ({AsFile().Size:N0} bytes, sha256 {AsFile().Hash.ToShortString()})",
        _ => throw new InvalidOperationException($"Unknown value kind {Kind}."),
    };

    public bool Equals(RegistryValue? other) =>
        other is not null && other.Kind == Kind && other._data.AsSpan().SequenceEqual(_data);

    public override bool Equals(object? obj) => Equals(obj as RegistryValue);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        hash.AddBytes(_data);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{RegistryValueKinds.Name(Kind)} {ToDisplayString()}";

    private ReadOnlySpan<byte> Expect(RegistryValueKind kind) => Kind == kind
        ? _data
        : throw new LkgException(NtStatus.ObjectTypeMismatch,
            $"The value is {RegistryValueKinds.Name(Kind)}, not {RegistryValueKinds.Name(kind)}; read it with its own type.");
}
