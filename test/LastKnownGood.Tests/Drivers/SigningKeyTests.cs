using System.Runtime.Versioning;
using System.Security.Cryptography;
using LastKnownGood.Drivers;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Drivers;

/// <summary>Key files' modes are POSIX modes, which these tests check.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SigningKeyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Keys => _temp.Combine("keys");

    [Fact]
    public void Save_WritesPrivateKeyOwnerOnly_AndPublicKey()
    {
        using var key = SigningKey.Create("alice");

        key.Save(Keys);

        var privatePath = Path.Combine(Keys, "alice.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privatePath));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(privatePath));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(Path.Combine(Keys, "alice.pub")));
        Assert.Equal(key.PublicKey.ToArray(), SigningKey.LoadPublicKey(Keys, "alice"));
        Assert.Equal(["alice.key", "alice.pub"], Directory.EnumerateFiles(Keys).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Save_ExistingName_IsRefusedAndKeepsTheOldKey()
    {
        using var first = SigningKey.Create("alice");
        first.Save(Keys);
        var before = File.ReadAllBytes(Path.Combine(Keys, "alice.key"));
        using var second = SigningKey.Create("alice");

        var error = Assert.Throws<LkgException>(() => second.Save(Keys));

        Assert.Equal(NtStatus.ObjectNameCollision, error.Status);
        Assert.Contains("already exists", error.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Keys, "alice.key")));
        Assert.Equal(2, Directory.EnumerateFiles(Keys).Count());
    }

    [Fact]
    public void Load_SavedKey_SignsWhatThePublicKeyVerifies()
    {
        using (var created = SigningKey.Create("alice"))
        {
            created.Save(Keys);
        }

        using var loaded = SigningKey.Load(Keys, "alice");
        var signature = loaded.Sign([1, 2, 3]);

        using var verifier = ECDsa.Create();
        verifier.ImportSubjectPublicKeyInfo(SigningKey.LoadPublicKey(Keys, "alice"), out _);
        Assert.True(verifier.VerifyData(new byte[] { 1, 2, 3 }, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(64, signature.Length);
    }

    [Fact]
    public void Load_KeyReadableByOthers_IsRefused()
    {
        using (var created = SigningKey.Create("alice"))
        {
            created.Save(Keys);
        }

        File.SetUnixFileMode(Path.Combine(Keys, "alice.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = Assert.Throws<LkgException>(() => SigningKey.Load(Keys, "alice"));
        Assert.Contains("chmod 600", error.Message);
    }

    [Fact]
    public void Load_MissingKey_SaysHowToCreateIt()
    {
        var error = Assert.Throws<LkgException>(() => SigningKey.Load(Keys, "bob"));

        Assert.Equal(NtStatus.ObjectNameNotFound, error.Status);
        Assert.Contains("lkg keys create bob", error.Message);
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("release-2026.1_b", true)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    [InlineData("../escape", false)]
    [InlineData("a b", false)]
    public void TryValidateName_AllowsOnlyFileSafeNames(string name, bool valid) =>
        Assert.Equal(valid, SigningKey.TryValidateName(name, out _));

    [Fact]
    public void TryImportPublicKey_OtherCurve_IsRefused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.False(SigningKey.TryImportPublicKey(p384.ExportSubjectPublicKeyInfo(), out _, out var error));
        Assert.Contains("not an ECDSA P-256", error);
    }

    [Theory]
    [InlineData("/k", null, "/k")]
    [InlineData(null, "/xdg", "/xdg/lkg/keys")]
    [InlineData(null, "relative", "/home/alice/.config/lkg/keys")]
    [InlineData(null, null, "/home/alice/.config/lkg/keys")]
    public void ResolveDirectory_PrefersLkgKeysThenXdgConfigHome(string? lkgKeys, string? xdg, string expected)
    {
        var environment = new Dictionary<string, string?> { ["LKG_KEYS"] = lkgKeys, ["XDG_CONFIG_HOME"] = xdg };

        Assert.Equal(expected, SigningKey.ResolveDirectory(name => environment.GetValueOrDefault(name), "/home/alice"));
    }
}
