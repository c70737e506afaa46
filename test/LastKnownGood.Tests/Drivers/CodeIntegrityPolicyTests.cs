using LastKnownGood.Drivers;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Drivers;

public sealed class CodeIntegrityPolicyTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public CodeIntegrityPolicyTests() => _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Read_ControlSetWithKeysAndTestSigning_TrustsTheKeysBytes()
    {
        using var release = SigningKey.Create("release");
        using var other = SigningKey.Create("other");
        var set = _hive.Write("test", "ci", e =>
        {
            e.SetValue(CodeIntegrityPolicy.KeysPath, "release", RegistryValue.Binary(release.PublicKey.Span));
            e.SetValue(CodeIntegrityPolicy.KeyPath, "TestSigning", RegistryValue.Dword(1));
        }).ControlSet;

        var policy = CodeIntegrityPolicy.Read(_hive, set);

        Assert.True(policy.TestSigning);
        Assert.Equal(["release"], policy.TrustedKeyNames);
        Assert.True(policy.TryFindTrustedKey(release.PublicKey.Span, out var name) && name == "release");
        Assert.False(policy.TryFindTrustedKey(other.PublicKey.Span, out _));
    }

    [Fact]
    public void Read_ControlSetWithoutCI_TrustsNothing()
    {
        var set = _hive.Write("test", "empty", e => e.CreateKey(KeyPath.Parse("Services"))).ControlSet;

        var policy = CodeIntegrityPolicy.Read(_hive, set);

        Assert.False(policy.TestSigning);
        Assert.Empty(policy.TrustedKeyNames);
    }

    [Theory]
    [InlineData(@"Control\CI", "TestSigning", 2u, "2 is not allowed")]
    [InlineData(@"Control\CI", "Other", 1u, "is not a value of Control\\CI")]
    [InlineData(@"Control\CI\Keys", "release", 1u, "must be BINARY")]
    public void Schema_BadCodeIntegrityValues_AreRefused(string key, string name, uint value, string expected)
    {
        Assert.False(ServiceSchema.TryValidateValue(KeyPath.Parse(key), name, RegistryValue.Dword(value), out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Schema_TrustedKeyThatIsNotAPublicKey_IsRefused()
    {
        Assert.False(ServiceSchema.TryValidateValue(CodeIntegrityPolicy.KeysPath, "release", RegistryValue.Binary([1, 2, 3]), out var error));
        Assert.Contains("not a DER SubjectPublicKeyInfo", error);
    }

    [Fact]
    public void Schema_VersionOfAService_MustBeAVersion()
    {
        var services = KeyPath.Parse(@"Services\Sensor");

        Assert.True(ServiceSchema.TryValidateValue(services, "Version", RegistryValue.String("7.11.0"), out _));
        Assert.False(ServiceSchema.TryValidateValue(services, "Version", RegistryValue.String("seven"), out var error));
        Assert.Contains("is not a version", error);
    }
}
