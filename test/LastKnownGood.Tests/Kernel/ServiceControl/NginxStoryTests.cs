using System.Globalization;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary>
/// Debian's nginx (<c>nginx-light</c>, which <c>.ci/run</c> installs) supervised as a service whose
/// nginx.conf is a tracked file: a bad edit made through <c>lkg reg set --type file</c>, or by hand on
/// disk under Improved (captured as a tentative set), fails its start, ErrorControl Severe boots
/// Last Known Good, and that boot puts the good file back.
/// </summary>
public sealed class NginxStoryTests : IDisposable
{
    private const string ConfigKey = @"SYSTEM\CurrentControlSet\Services\Web\TrackedFiles";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BadNginxConf_WrittenThroughLkg_FailsItsStart_AndLastKnownGoodRestoresTheFile_AndNginxAnswers()
    {
        var (machine, port, config) = await NginxMachineAsync("Classic");
        using (machine)
        {
            await RunUntilAcceptedAsync(machine, 1, port, "good");
            var goodSet = machine.Select().LastKnownGood;

            await machine.LkgAsync("reg", "set", ConfigKey, config, _temp.Combine("bad.conf"), "--type", "file");
            var badSet = machine.Select().Default;
            await RunUntilAcceptedAsync(machine, 3, port, "good");

            Assert.Equal(File.ReadAllBytes(_temp.Combine("good.conf")), File.ReadAllBytes(config));
            Assert.Equal(
                [(goodSet, BootMode.Normal, BootOutcome.Accepted), (badSet, BootMode.Normal, BootOutcome.StartFailure), (goodSet, BootMode.LastKnownGood, BootOutcome.Accepted)],
                machine.History().Select(b => (b.ControlSet, b.Mode, b.Outcome)));
            Assert.Contains("Web failed to start: it exited with code 1 before it was ready", machine.History()[1].EndReason);
            Assert.Empty(await ServiceMachine.WaitForNoneAsync(Path.GetDirectoryName(config)!, TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task BadNginxConf_EditedOnDiskBehindTheRuntimesBack_IsCapturedAsATentativeSet_AndRolledBack()
    {
        var (machine, port, config) = await NginxMachineAsync("Improved");
        using (machine)
        {
            await RunUntilAcceptedAsync(machine, 1, port, "good");
            var goodSet = machine.Select().LastKnownGood;

            // A person edits nginx.conf by hand: no control set knows of it.
            File.Copy(_temp.Combine("bad.conf"), config, overwrite: true);
            Assert.Equal(goodSet, machine.Select().Default);
            await RunUntilAcceptedAsync(machine, 3, port, "good");

            var history = machine.History();
            var captured = history[1].ControlSet;
            Assert.Equal(
                [(goodSet, BootMode.Normal, BootOutcome.Accepted), (captured, BootMode.Normal, BootOutcome.StartFailure), (goodSet, BootMode.LastKnownGood, BootOutcome.Accepted)],
                history.Select(b => (b.ControlSet, b.Mode, b.Outcome)));
            Assert.NotEqual(goodSet, captured);
            Assert.Equal(File.ReadAllBytes(_temp.Combine("good.conf")), File.ReadAllBytes(config));
            Assert.Equal(new Select(Current: goodSet, Default: goodSet, Failed: captured, LastKnownGood: goodSet), machine.Select());
            // The hand edit is not lost: the captured set holds it, as a rollback can be undone.
            var diff = JsonDocument.Parse((await machine.LkgAsync("controlset", "diff", $"{goodSet}", $"{captured}", "--json")).Output).RootElement;
            Assert.Equal(config, diff.EnumerateArray().Single().GetProperty("name").GetString());
            var sets = JsonDocument.Parse((await machine.LkgAsync("controlset", "list", "--json")).Output).RootElement.EnumerateArray();
            Assert.Contains("changed on disk; captured by boot 2", sets.Single(c => c.GetProperty("id").GetInt32() == captured).GetProperty("reason").GetString());
            Assert.Empty(await ServiceMachine.WaitForNoneAsync(Path.GetDirectoryName(config)!, TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task BadNginxConf_EditedOnDiskWhileItRuns_IsCapturedForTheNextBoot_WhichFails_AndLastKnownGoodRestoresIt()
    {
        var (machine, port, config) = await NginxMachineAsync("Improved");
        using (machine)
        {
            string captureLine;
            var goodSet = 0;
            using (var manager = machine.StartBoot("--timeout", "50s"))
            {
                await manager.WaitForLineAsync(l => l.StartsWith("Boot 1 accepted", StringComparison.Ordinal), Timeout);
                goodSet = machine.Select().LastKnownGood;

                // A person edits nginx.conf by hand while nginx runs: the kernel's watcher captures it for the next boot.
                File.Copy(_temp.Combine("bad.conf"), config, overwrite: true);
                for (var deadline = DateTime.UtcNow + Timeout; machine.Select().Default == goodSet; await Task.Delay(100))
                {
                    Assert.True(DateTime.UtcNow < deadline, "the running kernel did not capture the edited nginx.conf");
                }

                // nginx has not read it: the boot stays on the set it runs, accepted, and nginx answers as before.
                Assert.Equal((goodSet, goodSet, goodSet), (machine.Select().Current, machine.Select().LastKnownGood, machine.History()[0].ControlSet));
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                Assert.Equal("good\n", await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/")));
                var logs = (await machine.LkgAsync("logs", "-b", "1")).Output;
                captureLine = logs.Split('\n').Single(l => l.Contains("changed while it ran", StringComparison.Ordinal));
                System.Diagnostics.Process.Start("kill", ["-TERM", manager.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                Assert.Equal(0, await manager.WaitForExitAsync(Timeout));
            }

            var captured = machine.Select().Default;
            Assert.Contains($"captured as {ControlSetInfo.FormatName(captured)}, the Default the next boot runs on", captureLine);
            var sets = JsonDocument.Parse((await machine.LkgAsync("controlset", "list", "--json")).Output).RootElement.EnumerateArray();
            Assert.Contains("changed on disk while boot 1 ran; captured for the next boot", sets.Single(c => c.GetProperty("id").GetInt32() == captured).GetProperty("reason").GetString());

            await RunUntilAcceptedAsync(machine, 3, port, "good");
            Assert.Equal(
                [(goodSet, BootMode.Normal, BootOutcome.Accepted), (captured, BootMode.Normal, BootOutcome.StartFailure), (goodSet, BootMode.LastKnownGood, BootOutcome.Accepted)],
                machine.History().Select(b => (b.ControlSet, b.Mode, b.Outcome)));
            Assert.Equal(File.ReadAllBytes(_temp.Combine("good.conf")), File.ReadAllBytes(config));
            Assert.Empty(await ServiceMachine.WaitForNoneAsync(Path.GetDirectoryName(config)!, TimeSpan.FromSeconds(10)));
        }
    }

    /// <summary>A machine of <paramref name="policy"/> whose Web service is nginx, ErrorControl Severe, with the good nginx.conf tracked; bad.conf beside it.</summary>
    private async Task<(TestMachine Machine, int Port, string Config)> NginxMachineAsync(string policy)
    {
        Assert.True(File.Exists(Nginx.Program), Nginx.Missing);
        var port = Nginx.FreePort();
        var site = _temp.Combine("nginx");
        Directory.CreateDirectory(site);
        var config = Path.Combine(site, "nginx.conf");
        File.WriteAllText(_temp.Combine("good.conf"), Nginx.Config(site, port, Page("good")));
        File.WriteAllText(_temp.Combine("bad.conf"), Nginx.Config(site, port, Page("bad")).Replace("events {", "events { no_such_directive on;", StringComparison.Ordinal));
        var machine = await ServiceMachine.CreateAsync(_temp, new()
        {
            ["Web"] = new()
            {
                ["Type"] = 16, ["Start"] = 2, ["ErrorControl"] = 2, ["ImagePath"] = Nginx.Program,
                // -e: nginx opens its error log before it reads the configuration; stderr keeps that in the event log too.
                ["Arguments"] = new[] { "-p", site, "-c", config, "-e", "stderr" },
                ["StartTimeout"] = 1,
                ["TrackedFiles"] = new Dictionary<string, object> { [config] = new Dictionary<string, object> { ["$file"] = "good.conf" } },
                ["Health"] = new Dictionary<string, object> { ["Http"] = new Dictionary<string, object> { ["Http"] = $"http://127.0.0.1:{port}/", ["Timeout"] = 5 } },
            },
        });
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "Policy", policy);
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "1", "--type", "dword");
        return (machine, port, config);
    }

    /// <summary>Runs the boot manager until boot <paramref name="boot"/> is accepted, asks nginx for its page, then shuts the boot down with SIGTERM.</summary>
    private static async Task RunUntilAcceptedAsync(TestMachine machine, int boot, int port, string page)
    {
        using var manager = machine.StartBoot("--timeout", "50s");
        await manager.WaitForLineAsync(l => l.StartsWith($"Boot {boot} accepted", StringComparison.Ordinal), Timeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Assert.Equal($"{page}\n", await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/")));
        System.Diagnostics.Process.Start("kill", ["-TERM", manager.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.Equal(0, await manager.WaitForExitAsync(Timeout));
    }

    /// <summary>The server directives of a site that answers <paramref name="page"/>.</summary>
    private static string Page(string page) => $$"""location / { return 200 "{{page}}\n"; }""";
}
