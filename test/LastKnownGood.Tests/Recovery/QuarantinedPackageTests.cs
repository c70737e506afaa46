using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// lkg driver install takes the guarded write path (DESIGN §8): a driver package that recovery
/// quarantined (its <c>ImagePath</c>, the package's identity) is not installed again by accident.
/// It used to write the hive directly, so the package that a bisection convicted went back in.
/// </summary>
public sealed class QuarantinedPackageTests
{
    private const string Service = @"SYSTEM\CurrentControlSet\Services\Hello";

    [Fact]
    public async Task InstallingAQuarantinedPackage_IsRefused_AndChangesNothing_UnlessForced()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello");
        var package = Path.Combine(Path.GetDirectoryName(machine.Root)!, "packages", "Hello");
        long id;
        using (var hive = machine.Directory.OpenHive(TimeProvider.System))
        {
            Assert.True(hive.OpenKey(hive.ReadSelect().Default, KeyPath.Parse(@"Services\Hello"))!.TryGetValue("ImagePath", out var imagePath));
            id = Quarantine.Add(hive, new QuarantineEntry("Hello", @"Services\Hello", "ImagePath", QuarantineEntry.IdentityOf(imagePath), "convicted by a test"), DateTimeOffset.UtcNow).Id;
        }

        await machine.LkgAsync("reg", "delete", Service);
        var before = machine.Select().Default;

        var refused = await machine.TryLkgAsync("driver", "install", package);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"is quarantined (entry {id}): convicted by a test; give --force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, machine.Select().Default);
        Assert.Equal(1, (await machine.TryLkgAsync("reg", "query", Service)).ExitCode);

        await machine.LkgAsync("driver", "install", package, "--force");
        Assert.NotEqual(before, machine.Select().Default);
        Assert.Contains("ImagePath", (await machine.LkgAsync("reg", "query", Service)).Output, StringComparison.Ordinal);
    }
}
