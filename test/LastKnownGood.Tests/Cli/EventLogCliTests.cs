using System.Globalization;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;
using static LastKnownGood.Tests.Kernel.ServiceControl.ServiceMachine;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// The event log, lkg logs, lkg status's components and lkg shutdown, on real boots of a machine
/// whose service is a real shell script, under a real boot manager.
/// </summary>
public sealed class EventLogCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    /// <summary>In every command line of this test's service and of what it starts.</summary>
    private string Marker => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Boot_KeepsTheServicesAndKernelsLines_ForLogsByBootAndComponent_StatusShowsTheService_AndShutdownEndsIt()
    {
        var go = _temp.Combine("go");
        using var machine = await CreateAsync(_temp, new()
        {
            ["Talker"] = Shell(Marker, $"echo hello out; echo oops err >&2; while [ ! -e '{go}' ]; do sleep 0.05; done; echo went; {Sleep}"),
        });
        using var boot = machine.StartBoot();
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);

        var component = JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement.GetProperty("components").EnumerateArray().Single();
        var pid = component.GetProperty("pid").GetInt32();
        Assert.Equal(("Talker", "service", "running", 0), (component.GetProperty("name").GetString(), component.GetProperty("type").GetString(),
            component.GetProperty("state").GetString(), component.GetProperty("restarts").GetInt32()));
        Assert.Contains(pid, Running(Marker));
        var status = (await machine.LkgAsync("status")).Output;
        Assert.Contains($"Talker", status);
        Assert.Contains(pid.ToString(CultureInfo.InvariantCulture), status);
        Assert.Contains("boot 1 Talker: hello out", status);

        using (var follower = ChildProcess.Start("lkg", ["logs", "-f"], machine.Environment))
        {
            await follower.WaitForLineAsync(l => l.EndsWith("boot 1 Talker: hello out", StringComparison.Ordinal), Timeout);
            File.WriteAllText(go, "");
            await follower.WaitForLineAsync(l => l.EndsWith("boot 1 Talker: went", StringComparison.Ordinal), Timeout);
            await follower.KillAsync();
        }

        var shutdown = await machine.LkgAsync("shutdown");
        Assert.Equal("Boot 1 shut down; the boot manager has stopped.", shutdown.Output.Trim());
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        Assert.Equal(BootOutcome.Shutdown, Assert.Single(machine.History()).Outcome);
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
        Assert.Empty(await machine.WaitForNoProcessesAsync(TimeSpan.FromSeconds(10)));

        var logs = (await machine.LkgAsync("logs")).Output;
        foreach (var line in (string[])["boot 1 kernel: booting ControlSet", "boot 1 Talker: hello out", "boot 1 Talker: oops err", "boot 1 Talker: went",
            "boot 1 kernel: started Talker", "boot 1 kernel: stopped Talker"])
        {
            Assert.Contains(line, logs);
        }

        Assert.DoesNotContain('\x1b', logs);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z boot 1 kernel: ", logs);
        Assert.All(Lines((await machine.LkgAsync("logs", "-u", "talker")).Output), l => Assert.Contains(" boot 1 Talker: ", l));

        await machine.LkgAsync("boot", "--until", "1-boots", "--timeout", "60s");

        Assert.All(Lines((await machine.LkgAsync("logs")).Output), l => Assert.Contains(" boot 2 ", l));
        var first = (await machine.LkgAsync("logs", "-b", "1")).Output;
        Assert.Equal(logs, first);
        Assert.Equal(first, (await machine.LkgAsync("logs", "-b", "-1")).Output);
        var all = JsonDocument.Parse((await machine.LkgAsync("logs", "-b", "all", "--json")).Output).RootElement.EnumerateArray().ToList();
        Assert.All(all, e => Assert.Equal(["boot", "time", "component", "level", "message"], e.EnumerateObject().Select(p => p.Name)));
        Assert.Equal([1, 2], all.Select(e => e.GetProperty("boot").GetInt32()).Distinct());
        Assert.Contains(all, e => e.GetProperty("boot").GetInt32() == 2 && e.GetProperty("message").GetString() == "hello out" && e.GetProperty("level").GetString() == "info");
        Assert.All(all, e => Assert.EndsWith("+00:00", e.GetProperty("time").GetString()));
    }

    [Fact]
    public async Task BugCheck_IsAnErrorInTheLog_AfterTheLinesBeforeIt_AndTheComponentsStopWithTheBoot()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault", "throw-thread");

        await machine.LkgAsync("boot", "--until", "1-boots", "--timeout", "60s");

        var lines = JsonDocument.Parse((await machine.LkgAsync("logs", "-b", "1", "--json")).Output).RootElement.EnumerateArray()
            .Select(e => (Component: e.GetProperty("component").GetString(), Level: e.GetProperty("level").GetString(), Message: e.GetProperty("message").GetString()!)).ToList();
        var booting = lines.FindIndex(l => l.Component == "kernel" && l.Message.StartsWith("booting ", StringComparison.Ordinal));
        var bugCheck = lines.FindIndex(l => l.Message.StartsWith("bug check 0x0000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED in FaultDriver: ", StringComparison.Ordinal));
        Assert.True(booting >= 0 && bugCheck > booting, string.Join('\n', lines));
        Assert.Equal(("kernel", "error"), (lines[bugCheck].Component, lines[bugCheck].Level));
        var component = JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement.GetProperty("components").EnumerateArray().Single();
        Assert.Equal(("FaultDriver", "kernel-driver", "stopped"), (component.GetProperty("name").GetString(), component.GetProperty("type").GetString(), component.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("-b", "abc", "-b takes a boot number, 0 or a negative number counted back from the newest boot, or all, not \"abc\"; run lkg logs --help for usage.")]
    [InlineData("-b", "2", "-b 2 names no boot: the machine has not booted yet, so it has no event log; start it with lkg boot.")]
    public async Task Logs_WithABadBoot_SaysOneSentence_AndExits2(string option, string value, string sentence)
    {
        using var machine = await TestMachine.CreateAsync();

        var result = await machine.TryLkgAsync("logs", option, value);

        Assert.Equal((2, "", sentence), (result.ExitCode, result.Output, result.Error.Trim()));
    }

    [Fact]
    public async Task Shutdown_WithNoBootManager_SaysSo_AndFails()
    {
        using var machine = await TestMachine.CreateAsync();

        var result = await machine.TryLkgAsync("shutdown");

        Assert.Equal((1, "", $"No boot manager is running on {machine.Root}, so there is nothing to shut down."), (result.ExitCode, result.Output, result.Error.Trim()));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
