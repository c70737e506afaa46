using System.Diagnostics.CodeAnalysis;
using LastKnownGood.Registry;

namespace LastKnownGood.Drivers;

/// <summary>
/// What a control set's <c>Control\CI</c> says about driver signatures: the trusted keys
/// (<c>Control\CI\Keys</c>: BINARY values, named by key name, holding DER SubjectPublicKeyInfo)
/// and <c>TestSigning</c> (DWORD; exactly 1 turns it on). Trust is by the public key's bytes;
/// a value that is not BINARY is ignored. A policy is immutable, like the set it was read from.
/// </summary>
public sealed class CodeIntegrityPolicy
{
    public static readonly KeyPath KeyPath = KeyPath.Parse(@"Control\CI");

    public static readonly KeyPath KeysPath = KeyPath.Child("Keys");

    public const string TestSigningValue = "TestSigning";

    private readonly Dictionary<string, string> _namesByKey;

    /// <summary>A policy from trusted keys (name, DER SubjectPublicKeyInfo) and the TestSigning switch.</summary>
    public CodeIntegrityPolicy(IEnumerable<KeyValuePair<string, byte[]>> trustedKeys, bool testSigning)
    {
        _namesByKey = new(StringComparer.Ordinal);
        foreach (var (name, key) in trustedKeys)
        {
            _namesByKey.TryAdd(Convert.ToBase64String(key), name);
        }

        TestSigning = testSigning;
    }

    /// <summary>No trusted key and TestSigning off: every package is refused.</summary>
    public static CodeIntegrityPolicy Empty { get; } = new([], testSigning: false);

    /// <summary>True when any validly signed package loads, trusted key or not (Windows' test mode).</summary>
    public bool TestSigning { get; }

    public IReadOnlyCollection<string> TrustedKeyNames => _namesByKey.Values;

    /// <summary>
    /// Reads a policy from the <c>Control\CI</c> key and its <c>Keys</c> subkey of one control set;
    /// either may be null (absent). A key node holds only its subkeys' hashes, which is why
    /// <c>Keys</c> is passed separately; <see cref="Read"/> opens both.
    /// </summary>
    public static CodeIntegrityPolicy From(KeyNode? ci, KeyNode? keys) => new(
        keys?.Values.Where(v => v.Value.Kind == RegistryValueKind.Binary).Select(v => KeyValuePair.Create(v.Name, v.Value.Data.ToArray())) ?? [],
        ci is not null && ci.TryGetValue(TestSigningValue, out var testSigning) && testSigning.Kind == RegistryValueKind.Dword && testSigning.AsDword() == 1);

    /// <summary>The policy of control set <paramref name="controlSet"/>; <see cref="Empty"/> for 0 (a hive with no set yet).</summary>
    public static CodeIntegrityPolicy Read(Hive hive, int controlSet) => controlSet == 0
        ? Empty
        : From(hive.OpenKey(controlSet, KeyPath), hive.OpenKey(controlSet, KeysPath));

    /// <summary>True, with the name it is trusted under, when <paramref name="subjectPublicKeyInfo"/> is one of the trusted keys.</summary>
    public bool TryFindTrustedKey(ReadOnlySpan<byte> subjectPublicKeyInfo, [NotNullWhen(true)] out string? name) =>
        _namesByKey.TryGetValue(Convert.ToBase64String(subjectPublicKeyInfo), out name);
}
