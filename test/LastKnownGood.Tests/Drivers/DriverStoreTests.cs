using System.Runtime.Versioning;
using LastKnownGood.Internal;
using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Services;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Drivers;

public sealed class DriverStoreTests : IDisposable
{
    private static readonly KeyPath SensorKey = KeyPath.Parse(@"Services\Sensor");

    private readonly TempDirectory _temp = new();
    private readonly SigningKey _release = SigningKey.Create("release");
    private readonly MachineDirectory _machine;
    private readonly DriverStore _store;

    public DriverStoreTests()
    {
        _machine = new MachineDirectory(_temp.Combine("machine"));
        _machine.Create(TimeProvider.System, hive => hive.Write("test", "init", editor =>
            editor.SetValue(CodeIntegrityPolicy.KeysPath, "release", RegistryValue.Binary(_release.PublicKey.Span))));
        _store = new DriverStore(_machine);
    }

    public void Dispose()
    {
        _release.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Install_TrustedPackage_CopiesItAndWritesTheServiceInOneNewSet()
    {
        var package = Signed("Sensor", "7.11.0");
        var digest = PackageDigest.Compute(package);
        var identity = PackageSignatureIdentity(package);
        using var hive = _machine.OpenHive(TimeProvider.System);

        var result = _store.Install(package, hive, "test", new DriverInstallOptions
        {
            Start = StartType.Boot,
            ErrorControl = ErrorControl.Critical,
            Group = "Early-Launch",
        });

        Assert.Equal((digest, identity, true, new WriteResult(2, true)), (result.Digest, result.ImagePath, result.Copied, result.Write));
        Assert.Equal(Path.Combine(_machine.DriversPath, identity), result.Directory);
        Assert.Equal(["Sensor.dll", "driver.json", "lib/LastKnownGood.dll", "signature.json"], Files(result.Directory));
        Assert.Equal(File.ReadAllBytes(Path.Combine(package, "Sensor.dll")), File.ReadAllBytes(Path.Combine(result.Directory, "Sensor.dll")));
        Assert.Equal(2, hive.ListControlSets().Count);
        Assert.Equal(1, hive.GetControlSet(2).Parent);
        Assert.Equal("driver install Sensor 7.11.0", hive.GetControlSet(2).Reason);
        var service = hive.OpenKey(2, SensorKey)!;
        Assert.Equal(
            ["ErrorControl = DWORD 0x00000003 (3)", "Group = SZ Early-Launch", $"ImagePath = SZ {identity}", "Start = DWORD 0x00000000 (0)",
             "Type = DWORD 0x00000001 (1)", "Version = SZ 7.11.0"],
            service.Values.Select(v => $"{v.Name} = {v.Value}"));
        Assert.Null(hive.OpenKey(1, SensorKey));
    }

    [Fact]
    public void Install_SamePackageTwice_CopiesNothingAndWritesNoSet()
    {
        var package = Signed("Sensor", "7.11.0");
        using var hive = _machine.OpenHive(TimeProvider.System);
        var first = _store.Install(package, hive, "test");
        var installedFile = Path.Combine(first.Directory, "Sensor.dll");
        var writeTime = File.GetLastWriteTimeUtc(installedFile);

        var second = _store.Install(package, hive, "test");

        Assert.False(second.Copied);
        Assert.Equal(new WriteResult(first.Write.ControlSet, false), second.Write);
        Assert.Equal(writeTime, File.GetLastWriteTimeUtc(installedFile));
        Assert.Single(Directory.EnumerateDirectories(_machine.DriversPath));
    }

    [Fact]
    public void Install_TamperedPackage_WritesNothing()
    {
        var package = Signed("Sensor", "7.11.0");
        File.AppendAllText(Path.Combine(package, "lib", "LastKnownGood.dll"), "tampered");
        using var hive = _machine.OpenHive(TimeProvider.System);
        var select = hive.ReadSelect();

        var error = Assert.Throws<LkgException>(() => _store.Install(package, hive, "test"));

        Assert.Equal(NtStatus.InvalidImageHash, error.Status);
        Assert.Contains("was changed after it was signed", error.Message);
        Assert.Single(hive.ListControlSets());
        Assert.Equal(select, hive.ReadSelect());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_machine.DriversPath));
    }

    [Fact]
    public void Install_UntrustedKey_IsRefusedUnlessTestSigningIsOn()
    {
        using var developer = SigningKey.Create("dev");
        var package = DriverPackages.Create(_temp.Combine("dev-package"));
        PackageSigner.Sign(package, developer);
        using var hive = _machine.OpenHive(TimeProvider.System);

        var refused = Assert.Throws<LkgException>(() => _store.Install(package, hive, "test"));
        hive.Write("test", "test mode", e => e.SetValue(CodeIntegrityPolicy.KeyPath, "TestSigning", RegistryValue.Dword(1)));
        var accepted = _store.Install(package, hive, "test");

        Assert.Contains("does not trust", refused.Message);
        Assert.True(accepted.Integrity.TestSigned);
        Assert.Equal(3, accepted.Write.ControlSet);
    }

    [Fact]
    public void Install_NewVersion_KeepsExistingConfigurationAndValues()
    {
        using var hive = _machine.OpenHive(TimeProvider.System);
        var first = _store.Install(Signed("Sensor", "7.11.0"), hive, "test", new DriverInstallOptions { Type = ServiceType.UserModeDriver, Start = StartType.Auto, Group = "Base" });
        hive.Write("test", "parameters", e => e.SetValue(SensorKey.Child("Parameters"), "EventBudget", RegistryValue.Dword(20)));

        var second = _store.Install(Signed("Sensor", "7.12.0", "v2"), hive, "test");

        Assert.NotEqual(first.Digest, second.Digest);
        var service = hive.OpenKey(second.Write.ControlSet, SensorKey)!;
        Assert.True(service.TryGetValue("Start", out var start) && start.AsDword() == (uint)StartType.Auto);
        Assert.True(service.TryGetValue("Type", out var type) && type.AsDword() == (uint)ServiceType.UserModeDriver);
        Assert.True(service.TryGetValue("Group", out var group) && group.AsString() == "Base");
        Assert.True(service.TryGetValue("Version", out var version) && version.AsString() == "7.12.0");
        Assert.True(service.TryGetValue("ImagePath", out var image) && image.AsString() == second.ImagePath);
        Assert.NotNull(hive.OpenKey(second.Write.ControlSet, SensorKey.Child("Parameters")));
        Assert.Equal(2, Directory.EnumerateDirectories(_machine.DriversPath).Count());
    }

    [Fact]
    public void Install_BelowMinimumVersion_IsRefused()
    {
        using var hive = _machine.OpenHive(TimeProvider.System);
        hive.Write("test", "floor", e => e.SetValue(SensorKey, "MinimumVersion", RegistryValue.String("7.11.0")));

        var error = Assert.Throws<LkgException>(() => _store.Install(Signed("Sensor", "7.10.0"), hive, "test"));

        Assert.Contains("below its MinimumVersion 7.11.0", error.Message);
        Assert.Equal(2, hive.ListControlSets().Count);
    }

    [Fact]
    public void Install_OverAService_IsRefused()
    {
        using var hive = _machine.OpenHive(TimeProvider.System);
        hive.Write("test", "service", e => e.SetValue(SensorKey, "Type", RegistryValue.Dword(0x10)));

        var error = Assert.Throws<LkgException>(() => _store.Install(Signed("Sensor", "7.11.0"), hive, "test"));

        Assert.Contains("is a service (Type 0x10), not a driver", error.Message);
    }

    [Fact]
    public void Install_HiveWriteFails_KeepsTheCopyButChangesNoRegistry()
    {
        var package = Signed("Sensor", "7.11.0");
        using (var database = SqliteDatabase.Open(_machine.HivePath, create: false))
        {
            database.Execute("CREATE TRIGGER refuse BEFORE INSERT ON control_sets BEGIN SELECT RAISE(ABORT, 'disk full'); END");
        }

        using var hive = _machine.OpenHive(TimeProvider.System);

        Assert.ThrowsAny<Exception>(() => _store.Install(package, hive, "test"));
        Assert.Single(hive.ListControlSets());
        Assert.Null(hive.OpenKey(hive.ReadSelect().Default, SensorKey));
        Assert.True(Directory.Exists(Path.Combine(_machine.DriversPath, PackageSignatureIdentity(package))));
    }

    [Fact]
    public void Verify_InstalledPackage_ResolvesImagePathAndSucceeds()
    {
        using var hive = _machine.OpenHive(TimeProvider.System);
        var installed = _store.Install(Signed("Sensor", "7.11.0"), hive, "test");
        var imagePath = hive.OpenKey(installed.Write.ControlSet, SensorKey)!.Values.Single(v => v.Name == "ImagePath").Value.AsString();

        var result = _store.Verify(imagePath, CodeIntegrityPolicy.Read(hive, installed.Write.ControlSet));

        Assert.Equal(NtStatus.Success, result.Status);
        Assert.Equal(("Sensor", "Sensor.dll"), (result.Manifest!.Name, result.Manifest.Assembly));
        Assert.True(_store.TryResolve(imagePath, out var directory) && directory == installed.Directory);
    }

    [Fact]
    public void Verify_PackageSwappedIntoAnotherDigestsDirectory_IsRefused()
    {
        using var hive = _machine.OpenHive(TimeProvider.System);
        var current = _store.Install(Signed("Sensor", "7.12.0"), hive, "test");
        var old = _store.Install(Signed("Sensor", "7.11.0", "old"), hive, "test");
        Directory.Delete(current.Directory, recursive: true);
        Directory.Move(old.Directory, current.Directory);

        var result = _store.Verify(current.ImagePath, CodeIntegrityPolicy.Read(hive, hive.ReadSelect().Default));

        Assert.Equal(NtStatus.InvalidImageHash, result.Status);
        Assert.Contains("holds a different package", result.Reason);
    }

    [Fact]
    public void Install_TheSameFilesSignedByAnotherKey_IsANewPackage_AndEachSetKeepsItsSignature()
    {
        // The issue's story: test-signed with a developer key, then signed for release, then TestSigning turned off.
        using var developer = SigningKey.Create("dev");
        var package = DriverPackages.Create(_temp.Combine("Sensor"));
        PackageSigner.Sign(package, developer);
        using var hive = _machine.OpenHive(TimeProvider.System);
        hive.Write("test", "test mode", e => e.SetValue(CodeIntegrityPolicy.KeyPath, "TestSigning", RegistryValue.Dword(1)));
        var testSigned = _store.Install(package, hive, "test");

        PackageSigner.Sign(package, _release);
        var released = _store.Install(package, hive, "test");
        hive.Write("test", "test mode off", e => e.SetValue(CodeIntegrityPolicy.KeyPath, "TestSigning", RegistryValue.Dword(0)));
        var policy = CodeIntegrityPolicy.Read(hive, hive.ReadSelect().Default);

        Assert.Equal(testSigned.Digest, released.Digest);
        Assert.NotEqual(testSigned.ImagePath, released.ImagePath);
        Assert.True(released.Copied, "the re-signed package was taken for the one already there");
        Assert.True(released.Write.Changed);
        Assert.Equal(("release", false), (released.Integrity.KeyName, released.Integrity.TestSigned));
        var image = hive.OpenKey(hive.ReadSelect().Default, SensorKey)!.Values.Single(v => v.Name == "ImagePath").Value.AsString();
        Assert.Equal(released.ImagePath, image);
        Assert.Equal((NtStatus.Success, "release"), (_store.Verify(image, policy).Status, _store.Verify(image, policy).KeyName));
        // The set the test-signed install wrote still names its own copy, with the developer's signature.
        Assert.Equal(NtStatus.InvalidImageHash, _store.Verify(testSigned.ImagePath, policy).Status);
        Assert.Contains("\"dev\"", _store.Verify(testSigned.ImagePath, policy).Reason);
    }

    [Fact]
    public void Verify_APackageInstalledUnderItsDigest_BeforeTheSignatureCounted_StillLoads()
    {
        var package = Signed("Sensor", "7.11.0");
        var digest = PackageDigest.Compute(package);
        using var hive = _machine.OpenHive(TimeProvider.System);
        var installed = _store.Install(package, hive, "test");
        Directory.Move(installed.Directory, Path.Combine(_machine.DriversPath, digest));

        Assert.Equal(NtStatus.Success, _store.Verify(digest, CodeIntegrityPolicy.Read(hive, hive.ReadSelect().Default)).Status);
    }

    [Theory]
    [InlineData("Sensor")]
    [InlineData("../../etc")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Verify_ImagePathThatIsNotADigest_IsRefused(string imagePath)
    {
        var result = _store.Verify(imagePath, CodeIntegrityPolicy.Empty);

        Assert.Equal(NtStatus.ObjectNameInvalid, result.Status);
        Assert.Contains("lkg driver install", result.Reason);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Install_DamagedInstalledCopy_IsReplaced()
    {
        var package = Signed("Sensor", "7.11.0");
        using var hive = _machine.OpenHive(TimeProvider.System);
        var first = _store.Install(package, hive, "test");
        var installed = Path.Combine(first.Directory, "Sensor.dll");
        File.SetUnixFileMode(installed, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.AppendAllText(installed, "damage");

        var second = _store.Install(package, hive, "test");

        Assert.True(second.Copied);
        Assert.Equal(NtStatus.Success, _store.Verify(first.ImagePath, CodeIntegrityPolicy.Read(hive, hive.ReadSelect().Default)).Status);
        Assert.Single(Directory.EnumerateFileSystemEntries(_machine.DriversPath));
    }

    private string Signed(string name, string version, string? directory = null)
    {
        var package = DriverPackages.Create(_temp.Combine(directory ?? $"{name}-{version}"), name, version);
        PackageSigner.Sign(package, _release);
        return package;
    }

    private static string PackageSignatureIdentity(string package) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(package, PackageSignature.FileName))));

    private static IEnumerable<string> Files(string directory) => Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
}
