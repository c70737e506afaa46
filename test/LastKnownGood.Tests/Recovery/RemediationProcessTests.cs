using System.Diagnostics;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Recovery.Remediation;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// The recovery environment (DESIGN §8), with real boots: a Critical driver whose installed package
/// is damaged, outside every control set, so Last Known Good fails too and safe mode boots; it asks
/// its remediation source, a directory or Debian's nginx over HTTP, and a signed package that
/// disables the driver brings the machine back to an accepted normal boot, with no person.
/// </summary>
public sealed class RemediationProcessTests : IDisposable
{
    private const string Recovery = @"SYSTEM\CurrentControlSet\Control\Recovery";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task APackageDroppedIntoADirectorySource_WhileSafeModeAsks_BringsTheMachineOutOfSafeMode_AndAnUntrustedOneIsRefused()
    {
        var source = _temp.Combine("source");
        Directory.CreateDirectory(source);
        using var machine = await SafeModeBoundMachineAsync(source);
        var fix = FixPackage();
        await machine.LkgAsync("keys", "create", "stranger");
        await machine.LkgAsync("remediation", "pack", fix, "--key", "stranger", "--out", Path.Combine(source, "a-stranger.lkgfix"));

        using (var boot = machine.StartBoot("--until", "accepted", "--timeout", "90s"))
        {
            // The source holds only the stranger's package when safe mode first asks: refused, and safe mode goes on asking.
            await boot.WaitForLineAsync(l => l.StartsWith("Remediation a-stranger.lkgfix refused", StringComparison.Ordinal), Timeout);
            await machine.LkgAsync("remediation", "pack", fix, "--key", "test", "--out", Path.Combine(source, "b-fix.lkgfix"));
            Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
            Assert.Contains(boot.Lines, l => l.StartsWith("Remediation b-fix.lkgfix applied", StringComparison.Ordinal));
        }

        var remediated = AssertRemediated(machine, source, "b-fix.lkgfix");
        var taken = JsonDocument.Parse((await machine.LkgAsync("remediation", "list", "--json")).Output).RootElement.EnumerateArray().ToList();
        Assert.Equal([("a-stranger.lkgfix", "refused", (int?)null), ("b-fix.lkgfix", "applied", remediated)],
            taken.Select(t => (t.GetProperty("name").GetString(), t.GetProperty("outcome").GetString(), t.GetProperty("controlSet").ValueKind == JsonValueKind.Null ? null : (int?)t.GetProperty("controlSet").GetInt32())));
        Assert.Contains("which Control\\CI\\Keys does not trust", taken[0].GetProperty("reason").GetString());
        Assert.Empty(await machine.WaitForNoProcessesAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task APackageServedOverHttpByNginx_BringsTheMachineOutOfSafeMode()
    {
        Assert.True(File.Exists(Nginx.Program), Nginx.Missing);
        var served = _temp.Combine("www", "fixes");
        Directory.CreateDirectory(served);
        var port = Nginx.FreePort();
        var url = $"http://127.0.0.1:{port}/fixes";
        using var machine = await SafeModeBoundMachineAsync(url);
        await machine.LkgAsync("remediation", "pack", FixPackage(), "--key", "test", "--out", Path.Combine(served, "fix.lkgfix"));
        Assert.Equal("fix.lkgfix\n", File.ReadAllText(Path.Combine(served, RemediationSources.IndexName)));

        using var nginx = StartNginx(_temp.Combine("www"), port);
        var result = await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "90s");

        Assert.Contains(result.Output.Split('\n'), l => l.StartsWith("Remediation fix.lkgfix applied", StringComparison.Ordinal));
        AssertRemediated(machine, url, "fix.lkgfix");
    }

    /// <summary>
    /// An Improved machine whose Critical System driver Hello booted and was accepted, then had its
    /// installed package damaged: every set fails to start it, Last Known Good too. Safe mode asks <paramref name="source"/> every second.
    /// </summary>
    private static async Task<TestMachine> SafeModeBoundMachineAsync(string source)
    {
        var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", Recovery, "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("reg", "set", Recovery, "RemediationRetry", "1", "--type", "dword");
        await machine.LkgAsync("reg", "set", Recovery, "RemediationSource", source);
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system", "--error-control", "critical");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var manifest = Assert.Single(Directory.GetFiles(machine.Directory.DriversPath, "driver.json", SearchOption.AllDirectories));
        File.AppendAllText(manifest, " ");
        return machine;
    }

    /// <summary>The remediation the vendor writes: Hello disabled, so the machine boots without it.</summary>
    private string FixPackage()
    {
        var fix = _temp.Combine("fix");
        Directory.CreateDirectory(fix);
        File.WriteAllText(Path.Combine(fix, RemediationChange.FileName), """
            {
              "reason": "disable Hello, whose installed package is damaged",
              "set": { "Services": { "Hello": { "Start": 4 } } }
            }
            """);
        return fix;
    }

    /// <summary>
    /// The history went: accepted, the Critical driver's start failure, Last Known Good's 0x7B, safe
    /// mode (ended by the remediation), and an accepted normal boot of the set the package made, now
    /// Last Known Good. Returns that set.
    /// </summary>
    private static int AssertRemediated(TestMachine machine, string source, string package)
    {
        var history = machine.History();
        Assert.Equal(
            [(BootMode.Normal, BootOutcome.Accepted), (BootMode.Normal, BootOutcome.StartFailure), (BootMode.LastKnownGood, BootOutcome.Bugcheck),
                (BootMode.SafeMinimal, BootOutcome.Shutdown), (BootMode.Normal, BootOutcome.Accepted)],
            history.Select(b => (b.Mode, b.Outcome)));
        var good = history[0].ControlSet;
        var remediated = history[4].ControlSet;
        Assert.Equal(new Select(Current: remediated, Default: remediated, Failed: good, LastKnownGood: remediated), machine.Select());
        using var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        var set = hive.GetControlSet(remediated);
        Assert.Equal((good, RemediationPackage.Author, $"remediation {package} from {source}: disable Hello, whose installed package is damaged"), (set.Parent!.Value, set.Author, set.Reason));
        Assert.Equal(4u, hive.OpenKey(remediated, KeyPath.Parse(@"Services\Hello"))!.Values.Single(v => v.Name == "Start").Value.AsDword());
        var applied = Assert.Single(Remediations.List(hive), r => r.Outcome == RemediationOutcome.Applied);
        Assert.Equal((package, source, history[3].Number, remediated), (applied.Name, applied.Source, applied.Boot, applied.ControlSet));
        return remediated;
    }

    /// <summary>Debian's nginx serving <paramref name="root"/> on <paramref name="port"/>, in the foreground, with every path of its own under the temporary directory.</summary>
    private Served StartNginx(string root, int port)
    {
        var prefix = _temp.Combine("nginx");
        Directory.CreateDirectory(prefix);
        var config = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(config, Nginx.Config(prefix, port, $"root {root};"));
        return new Served(Process.Start(new ProcessStartInfo(Nginx.Program, ["-p", prefix, "-c", config, "-e", "stderr"]) { RedirectStandardError = true })!);
    }

    /// <summary>The web server, killed with its workers at the end of the test.</summary>
    private sealed class Served(Process nginx) : IDisposable
    {
        public void Dispose()
        {
            nginx.Kill(entireProcessTree: true);
            nginx.WaitForExit();
            nginx.Dispose();
        }
    }
}
