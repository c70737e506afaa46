using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// Content pre-flight (DESIGN §8) with real boots and a real throwaway lkg-host: the kernel records
/// the events the Sensor evaluated; a push of the bad channel file runs the Sensor on it against
/// them first, and is refused before any boot sees it.
/// </summary>
public sealed class PreflightProcessTests
{
    private const string ChannelFile = "C-00000291-00000000-00000001.sys";

    [Theory]
    [InlineData("kernel")]
    [InlineData("user")]
    public async Task BadChannelFile_CrashesItsPreflight_IsRefusedAndQuarantined_AndNeverReachesABoot(string mode)
    {
        using var machine = await SensorMachineAsync(mode);
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select();
        var recorded = Recorded(machine);
        Assert.NotEmpty(recorded);
        Assert.All(recorded, e => Assert.Equal(("ipc", 20), (e.Event.Type, e.Event.Fields.Count)));

        var refused = await machine.TryLkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", ChannelFile);

        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"The pre-flight of Sensor's {ChannelFile} failed: its host crashed replaying {Events(recorded.Count)}: IndexOutOfRangeException escaped Sensor in EventHandler", refused.Error);
        Assert.Contains("(at Sensor.ContentInterpreter.Match(", refused.Error);
        Assert.Contains("Nothing was pushed, and the file is quarantined (entry 1); fix the content, or give --force --no-preflight", refused.Error);
        Assert.Equal(good, machine.Select());
        QuarantineEntry entry;
        using (var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly))
        {
            Assert.Equal(good.Default, hive.ListControlSets().Max(s => s.Id));
            entry = Assert.Single(Quarantine.List(hive));
        }

        Assert.Equal(("Sensor", ChannelFile, "sha256:" + Sha256(Sensor("C-00000291-00000000-00000032.sys")), null, null),
            (entry.Component, entry.Name, entry.Identity, entry.Crash, entry.Boot));
        Assert.StartsWith("pre-flight: its host crashed replaying", entry.Reason);

        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        Assert.Equal([(BootMode.Normal, BootOutcome.Accepted), (BootMode.Normal, BootOutcome.Accepted)], machine.History().Select(b => (b.Mode, b.Outcome)));
        Assert.Empty(machine.Crashes());

        // Held by its hash: refused again before any pre-flight runs.
        var again = await machine.TryLkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", ChannelFile);
        Assert.Contains("is quarantined (entry 1): pre-flight: its host crashed replaying", again.Error);
        Assert.Empty(await machine.WaitForNoProcessesAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task GoodChannelFile_PassesItsPreflight_AgainstEveryRecordedEvent_AndNoPreflightSaysItSkipped()
    {
        using var machine = await SensorMachineAsync("kernel");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var recorded = Recorded(machine).Count;

        var passed = JsonDocument.Parse((await machine.LkgAsync("content", "push", "Sensor", Sensor(ChannelFile), "--name", "C-00000291-00000000-00000002.sys", "--json")).Output)
            .RootElement.GetProperty("preflight");
        Assert.Equal(("passed", recorded), (passed.GetProperty("outcome").GetString(), passed.GetProperty("events").GetInt32()));
        Assert.Equal($"Sensor ran it against {Events(recorded)} in a throwaway host", passed.GetProperty("detail").GetString());

        var skipped = await machine.LkgAsync("content", "push", "Sensor", Sensor(ChannelFile), "--name", "C-00000291-00000000-00000003.sys", "--no-preflight");
        Assert.Contains("Pre-flight skipped: --no-preflight: the file reaches the next boot untried.", skipped.Output);
        using var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        Assert.Equal(3, hive.OpenKey(hive.ReadSelect().Default, KeyPath.Parse(@"Services\Sensor\Content"))!.Values.Count);
    }

    private static string Events(int count) => count == 1 ? "1 recorded event" : $"{count} recorded events";

    private static IReadOnlyList<RecordedEvent> Recorded(TestMachine machine)
    {
        using var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        return RecordedEvents.Read(hive, "Sensor");
    }

    private static string Sensor(string channelFile) =>
        Path.Combine(Machines.MachineManifestTests.RepositoryRoot(), "samples", "Drivers", "Sensor", "content", channelFile);

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>An Improved machine with the Sensor in kernel mode or user mode and its good channel file, accepting at once.</summary>
    private static async Task<TestMachine> SensorMachineAsync(string mode)
    {
        var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.InstallDriverAsync("samples/Drivers/Sensor", "--mode", mode, "--start", "boot", "--error-control", "critical", "--group", "Early-Launch");
        await machine.LkgAsync("content", "push", "Sensor", Sensor(ChannelFile));
        return machine;
    }
}
