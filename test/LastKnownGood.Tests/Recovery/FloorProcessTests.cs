using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>What rollback must never undo (DESIGN §10), with real boots: a <c>MinimumVersion</c> floor raised after Last Known Good.</summary>
public sealed class FloorProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AFloorRaisedAfterLastKnownGood_HoldsAcrossTheFallback_AndTheDriverBelowItIsNotStarted()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await InstallAsync(machine, "1.0.0", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select().LastKnownGood;

        // Hello 2.0.0 fixes a hole: its floor is raised with it. The new set is not accepted yet when a person asks for Last Known Good.
        await InstallAsync(machine, "2.0.0");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Hello", "MinimumVersion", "2.0.0");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "600", "--type", "dword");
        using (var boot = machine.StartBoot("--until", "accepted", "--timeout", "60s"))
        {
            await boot.WaitForLineAsync(l => l.StartsWith("Boot 2: every component has started", StringComparison.Ordinal), Timeout);
            await machine.LkgAsync("boot-bad");
            Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        }

        var history = machine.History();
        Assert.Equal([(BootMode.Normal, BootOutcome.Accepted), (BootMode.Normal, BootOutcome.Killed), (BootMode.LastKnownGood, BootOutcome.Accepted)],
            history.Select(b => (b.Mode, b.Outcome)));
        Assert.Equal(good, history[2].ControlSet);
        using (var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly))
        {
            // The set the fallback booted runs Hello 1.0.0 and sets no floor; the machine keeps it.
            Assert.DoesNotContain(hive.OpenKey(good, KeyPath.Parse(@"Services\Hello"))!.Values, v => v.Name == "MinimumVersion");
            Assert.Equal(new Version(2, 0, 0), Floors.Of(hive, "hello")!.Version);
        }

        var fallback = (await machine.LkgAsync("logs", "-b", "3")).Output;
        Assert.Contains("Hello 1.0.0 is below its security floor 2.0.0", fallback);
        Assert.DoesNotContain("started Hello", fallback);
    }

    /// <summary>Installs the Hello driver's build as a package of <paramref name="version"/>, signed with the test key.</summary>
    private async Task InstallAsync(TestMachine machine, string version, params string[] options)
    {
        var package = _temp.Combine($"Hello-{version}");
        Directory.CreateDirectory(package);
        var output = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "Drivers", "Hello", "bin", TestMachine.BuildConfiguration, "net10.0");
        File.Copy(Path.Combine(output, "Hello.dll"), Path.Combine(package, "Hello.dll"));
        File.WriteAllText(Path.Combine(package, "driver.json"), $$"""{ "name": "Hello", "version": "{{version}}", "assembly": "Hello.dll", "type": "Hello.HelloDriver" }""");
        await machine.LkgAsync("sign", package, "--key", "test");
        await machine.LkgAsync(["driver", "install", package, .. options]);
    }
}
