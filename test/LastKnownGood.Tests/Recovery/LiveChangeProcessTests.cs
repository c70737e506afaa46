using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// A change applied live (DESIGN §5, §7), with real boots: under Improved, a channel file pushed
/// while the machine runs reaches the running Sensor at once, as on 19 July 2024; the boot then
/// runs on the new set, tentative, and is accepted again on it, or, when the file is bad, crashes at
/// the next IPC event and costs one boot, with Last Known Good the set from before the push.
/// </summary>
public sealed class LiveChangeProcessTests
{
    private const string ChannelFile = "C-00000291-00000000-00000001.sys";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AGoodChannelFilePushedWhileTheMachineRuns_IsTakenLive_AndTheBootIsAcceptedAgainOnIt_ButOtherChangesWaitForTheNextBoot()
    {
        using var machine = await SensorMachineAsync();
        using var boot = machine.StartBoot("--timeout", "50s");
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 1 accepted", StringComparison.Ordinal), Timeout);
        var first = machine.Select().LastKnownGood;

        var pushed = JsonDocument.Parse((await machine.LkgAsync("content", "push", "Sensor", Sensor(ChannelFile), "--name", "C-00000291-00000000-00000002.sys", "--json")).Output).RootElement;

        Assert.Equal(1, pushed.GetProperty("liveBoot").GetInt32());
        var live = machine.Select().Default;
        Assert.Equal((live, live, first), (machine.Select().Current, machine.History()[0].ControlSet, machine.Select().LastKnownGood));
        await boot.WaitForLineAsync(l => l == $"Boot 1 accepted: {ControlSetInfo.FormatName(live)} is Last Known Good; the hive is backed up.", Timeout);
        var logs = (await machine.LkgAsync("logs", "-b", "1")).Output;
        Assert.Contains($"running {ControlSetInfo.FormatName(live)} live, tentative until accepted: Sensor's content C-00000291-00000000-00000002.sys", logs);
        Assert.Contains("Sensor: loaded C-00000291-00000000-00000002.sys", logs);

        // A change that is no content waits for the next boot: Default moves on, the running boot stays where it is.
        var parameter = JsonDocument.Parse((await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Sensor\Parameters", "Budget", "5", "--type", "dword", "--json")).Output).RootElement;
        Assert.Equal(JsonValueKind.Null, parameter.GetProperty("liveBoot").ValueKind);
        Assert.Equal((live, live), (machine.Select().Current, machine.History()[0].ControlSet));
        Assert.NotEqual(live, machine.Select().Default);

        System.Diagnostics.Process.Start("kill", ["-TERM", boot.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        Assert.Equal([(live, BootOutcome.Accepted)], machine.History().Select(b => (b.ControlSet, b.Outcome)));
    }

    [Fact]
    public async Task ABadChannelFilePushedWhileTheMachineRuns_CrashesItAtTheNextIpcEvent_AndCostsOneBoot()
    {
        // Acceptance after 3 s leaves the crash time to come before the bad set is accepted on a slow machine.
        using var machine = await SensorMachineAsync(acceptAfter: 3);
        using (var boot = machine.StartBoot("--timeout", "50s"))
        {
            await boot.WaitForLineAsync(l => l.StartsWith("Boot 1 accepted", StringComparison.Ordinal), Timeout);
            var good = machine.Select().LastKnownGood;
            await machine.LkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", ChannelFile, "--no-preflight");
            var bad = machine.Select().Default;

            // The Sensor takes the file within the kernel's poll; processes connect to the kernel's socket until one's IPC event has the interpreter read past its inputs.
            await ConnectUntilAsync(Path.Combine(machine.Root, "kernel.sock"), () => boot.Lines.Any(l => l.StartsWith("Boot 1 ended", StringComparison.Ordinal)));
            Assert.Contains($"running {ControlSetInfo.FormatName(bad)} live", (await machine.LkgAsync("logs", "-b", "1")).Output, StringComparison.Ordinal);

            await boot.WaitForLineAsync(l => l.StartsWith("Boot 2 accepted", StringComparison.Ordinal), Timeout);
            System.Diagnostics.Process.Start("kill", ["-TERM", boot.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.Equal(0, await boot.WaitForExitAsync(Timeout));

            Assert.Equal([(bad, BootMode.Normal, BootOutcome.Bugcheck), (good, BootMode.LastKnownGood, BootOutcome.Accepted)],
                machine.History().Select(b => (b.ControlSet, b.Mode, b.Outcome)));
            Assert.Equal(new Select(Current: good, Default: good, Failed: bad, LastKnownGood: good), machine.Select());
        }

        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.PageFaultInNonpagedArea, "Sensor"), (crash.Code, crash.Component));
        using var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        Assert.Equal(("Sensor", ChannelFile), Assert.Single(Quarantine.List(hive)) is var held ? (held.Component, held.Name) : default);
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    private static async Task ConnectUntilAsync(string kernelSocket, Func<bool> done)
    {
        for (var deadline = DateTime.UtcNow + Timeout; !done(); await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "the running kernel did not crash on the change taken live");
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(kernelSocket));
            }
            catch (SocketException)
            {
                // The kernel has stopped, or not yet started listening; the loop asks again.
            }
        }
    }

    private static string Sensor(string channelFile) =>
        Path.Combine(Machines.MachineManifestTests.RepositoryRoot(), "samples", "Drivers", "Sensor", "content", channelFile);

    /// <summary>An Improved machine with the Sensor driver, Critical, at boot start, and its good channel file, accepting after <paramref name="acceptAfter"/> seconds.</summary>
    private static async Task<TestMachine> SensorMachineAsync(int acceptAfter = 1)
    {
        var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", acceptAfter.ToString(CultureInfo.InvariantCulture), "--type", "dword");
        await machine.InstallDriverAsync("samples/Drivers/Sensor", "--start", "boot", "--error-control", "critical", "--group", "Early-Launch");
        await machine.LkgAsync("content", "push", "Sensor", Sensor(ChannelFile));
        return machine;
    }
}
