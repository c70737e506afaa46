using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Drivers;

/// <summary>
/// What a control set's <c>Control\CI</c> says about driver signatures: the trusted keys
/// (<c>Control\CI\Keys</c>: BINARY values, named by key name, holding DER SubjectPublicKeyInfo)
/// and <c>TestSigning</c> (DWORD; exactly 1 turns it on). Trust is by the public key's bytes;
/// a value that is not BINARY is ignored. A policy is immutable, like the set it was read from.
/// It keeps each signer's public key once imported, so a boot whose packages share a signer
/// parses and checks that key once; every package's signature is still verified.
/// </summary>
public sealed class CodeIntegrityPolicy
{
    public static readonly KeyPath KeyPath = KeyPath.Parse(@"Control\CI");

    public static readonly KeyPath KeysPath = KeyPath.Child("Keys");

    public const string TestSigningValue = "TestSigning";

    private readonly Dictionary<string, string> _namesByKey;

    /// <summary>Imported public keys by their base64 SubjectPublicKeyInfo; also the lock of every verification with them.</summary>
    private readonly Dictionary<string, ECDsa> _importedKeys = new(StringComparer.Ordinal);

    /// <summary>The machine's revoked keys (base64 SubjectPublicKeyInfo) with why, in words: never trusted, whatever the set says.</summary>
    private readonly IReadOnlyDictionary<string, string> _revoked;

    /// <summary>A policy from trusted keys (name, DER SubjectPublicKeyInfo), the TestSigning switch, and the machine's revoked keys.</summary>
    public CodeIntegrityPolicy(IEnumerable<KeyValuePair<string, byte[]>> trustedKeys, bool testSigning, IReadOnlyDictionary<string, string>? revoked = null)
    {
        _revoked = revoked ?? new Dictionary<string, string>();
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
    public static CodeIntegrityPolicy From(KeyNode? ci, KeyNode? keys, IReadOnlyDictionary<string, string>? revoked = null)
    {
        // A loop, not LINQ: every boot reads the policy, and LINQ's generic code over these types is compiled at run time.
        var trusted = new List<KeyValuePair<string, byte[]>>();
        foreach (var value in keys?.Values ?? [])
        {
            if (value.Value.Kind == RegistryValueKind.Binary)
            {
                trusted.Add(new(value.Name, value.Value.Data.ToArray()));
            }
        }

        return new(trusted, ci is not null && ci.TryGetValue(TestSigningValue, out var testSigning) && testSigning.Kind == RegistryValueKind.Dword && testSigning.AsDword() == 1, revoked);
    }

    /// <summary>
    /// The policy of control set <paramref name="controlSet"/>, less the machine's revoked keys
    /// (<see cref="Revocations"/>: no fallback re-trusts one); <see cref="Empty"/> for 0 (a hive with no set yet).
    /// </summary>
    public static CodeIntegrityPolicy Read(Hive hive, int controlSet) => controlSet == 0
        ? Empty
        : From(hive.OpenKey(controlSet, KeyPath), hive.OpenKey(controlSet, KeysPath), Revocations.Read(hive));

    /// <summary>True, with when and why, when <paramref name="subjectPublicKeyInfo"/> was revoked on this machine.</summary>
    public bool IsRevoked(ReadOnlySpan<byte> subjectPublicKeyInfo, [NotNullWhen(true)] out string? why) =>
        _revoked.TryGetValue(Convert.ToBase64String(subjectPublicKeyInfo), out why);

    /// <summary>True, with the name it is trusted under, when <paramref name="subjectPublicKeyInfo"/> is one of the trusted keys.</summary>
    public bool TryFindTrustedKey(ReadOnlySpan<byte> subjectPublicKeyInfo, [NotNullWhen(true)] out string? name) =>
        _namesByKey.TryGetValue(Convert.ToBase64String(subjectPublicKeyInfo), out name) && !IsRevoked(subjectPublicKeyInfo, out _);

    /// <summary>
    /// Verifies an ECDSA P-256 signature (IEEE P1363) over SHA-256 of <paramref name="data"/> with
    /// the public key <paramref name="subjectPublicKeyInfo"/> (base64 DER SubjectPublicKeyInfo);
    /// false with the reason when the key is not a P-256 SubjectPublicKeyInfo. The key is imported
    /// the first time this policy sees it; a key that fails to import is not kept.
    /// </summary>
    internal bool TryVerify(string subjectPublicKeyInfo, byte[] data, byte[] signature, out bool valid, out string error)
    {
        lock (_importedKeys)
        {
            if (!_importedKeys.TryGetValue(subjectPublicKeyInfo, out var key))
            {
                if (!SigningKey.TryImportPublicKey(Convert.FromBase64String(subjectPublicKeyInfo), out key, out error))
                {
                    valid = false;
                    return false;
                }

                _importedKeys.Add(subjectPublicKeyInfo, key);
            }

            valid = key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            error = "";
            return true;
        }
    }
}
