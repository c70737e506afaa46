using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// lkg driver install and the quarantine (DESIGN §8): a driver package that recovery convicted
/// (its <c>ImagePath</c>, the package's identity) is not installed again by accident; it used to
/// be. A bisection that convicts a new driver quarantines every value the install added, so the
/// values a fixed package shares with it (Type, Start, ErrorControl) must not refuse the fix.
/// </summary>
public sealed class QuarantinedPackageTests
{
    private const string Service = @"SYSTEM\CurrentControlSet\Services\Hello";

    [Fact]
    public async Task TheConvictedPackage_IsRefused_AndChangesNothing_UnlessForced_WhileAnotherPackageOfTheDriverInstalls()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello");
        var package = Path.Combine(Path.GetDirectoryName(machine.Root)!, "packages", "Hello");
        var driverStore = machine.Directory.DriversPath;
        long id;
        using (var hive = machine.Directory.OpenHive(TimeProvider.System))
        {
            // As ImprovedRecovery.Convict holds a new driver: every value its install added.
            var added = hive.OpenKey(hive.ReadSelect().Default, KeyPath.Parse(@"Services\Hello"))!;
            var held = added.Values.Select(v => Quarantine.Add(hive, new QuarantineEntry("Hello", @"Services\Hello", v.Name, QuarantineEntry.IdentityOf(v.Value), "convicted by a test"), DateTimeOffset.UtcNow)).ToList();
            id = held.Single(e => e.Name == "ImagePath").Id;
        }

        await machine.LkgAsync("reg", "delete", Service);
        Directory.Delete(driverStore, recursive: true);
        var before = machine.Select().Default;

        var refused = await machine.TryLkgAsync("driver", "install", package);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($@"Services\Hello\ImagePath with this value is quarantined (entry {id}): convicted by a test; give --force to write it all the same, or release it with lkg quarantine release {id}.", refused.Error);
        Assert.Equal(before, machine.Select().Default);
        Assert.Equal(1, (await machine.TryLkgAsync("reg", "query", Service)).ExitCode);
        Assert.False(Directory.Exists(driverStore) && Directory.EnumerateFileSystemEntries(driverStore).Any(), "a refused install copied its package");

        await machine.LkgAsync("driver", "install", package, "--force");
        var forced = machine.Select().Default;
        Assert.NotEqual(before, forced);

        // The same files signed anew are another package: a fix, as far as the quarantine knows,
        // although its Type, Start, ErrorControl and Version are the convicted install's.
        await machine.LkgAsync("keys", "create", "fixed", "--trust");
        await machine.InstallDriverSignedByAsync("samples/Drivers/Hello", "fixed");
        Assert.NotEqual(forced, machine.Select().Default);
    }
}
