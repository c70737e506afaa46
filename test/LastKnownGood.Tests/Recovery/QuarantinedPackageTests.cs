using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// lkg driver install and the quarantine (DESIGN §8): a driver package that recovery convicted
/// (its <c>ImagePath</c>, the package's identity), or the same files signed again, is not
/// installed again by accident; it used to be. A bisection that convicts a new driver quarantines
/// every value the install added, so the values a fixed package shares with it (Type, Start,
/// ErrorControl) must not refuse the fix.
/// </summary>
public sealed class QuarantinedPackageTests
{
    private const string Service = @"SYSTEM\CurrentControlSet\Services\Hello";

    [Fact]
    public async Task TheConvictedPackage_AndItsFilesSignedAgain_AreRefused_AndChangeNothing_UnlessForced_WhileAFixInstalls()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello");
        var package = Path.Combine(Path.GetDirectoryName(machine.Root)!, "packages", "Hello");
        long id;
        using (var hive = machine.Directory.OpenHive(TimeProvider.System))
        {
            // As ImprovedRecovery.Convict holds a new driver: every value its install added.
            var added = hive.OpenKey(hive.ReadSelect().Default, KeyPath.Parse(@"Services\Hello"))!;
            var held = added.Values.Select(v => Quarantine.Add(hive, new QuarantineEntry("Hello", @"Services\Hello", v.Name, QuarantineEntry.IdentityOf(v.Value), "convicted by a test"), DateTimeOffset.UtcNow)).ToList();
            id = held.Single(e => e.Name == "ImagePath").Id;
        }

        await machine.LkgAsync("keys", "create", "release", "--trust");
        await machine.LkgAsync("reg", "delete", Service);
        var before = machine.Select().Default;
        var stored = StoredPackages(machine);

        var refused = await machine.TryLkgAsync("driver", "install", package);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($@"Services\Hello\ImagePath with this value is quarantined (entry {id}): convicted by a test; give --force to write it all the same, or release it with lkg quarantine release {id}.", refused.Error);

        await machine.LkgAsync("sign", package, "--key", "release");
        var resigned = await machine.TryLkgAsync("driver", "install", package);

        Assert.Equal(1, resigned.ExitCode);
        Assert.Equal($"Hello 1.0.0 holds the same files as the package quarantined in entry {id}, signed again: convicted by a test; give --force to install it all the same, or release it with lkg quarantine release {id}.", resigned.Error);
        Assert.Equal(before, machine.Select().Default);
        Assert.Equal(1, (await machine.TryLkgAsync("reg", "query", Service)).ExitCode);
        Assert.Equal(stored, StoredPackages(machine));

        await machine.LkgAsync("driver", "install", package, "--force");
        var forced = machine.Select().Default;
        Assert.NotEqual(before, forced);

        // A fix: other files (here its manifest's version), with the convicted install's Type, Start and ErrorControl.
        File.WriteAllText(Path.Combine(package, "driver.json"), File.ReadAllText(Path.Combine(package, "driver.json")).Replace("\"1.0.0\"", "\"1.0.1\"", StringComparison.Ordinal));
        await machine.LkgAsync("sign", package, "--key", "release");
        await machine.LkgAsync("driver", "install", package);
        Assert.NotEqual(forced, machine.Select().Default);
    }

    private static string[] StoredPackages(TestMachine machine) =>
        [.. Directory.EnumerateDirectories(machine.Directory.DriversPath).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
