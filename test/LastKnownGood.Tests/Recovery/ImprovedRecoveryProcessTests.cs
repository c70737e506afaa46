using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// The Improved policy (DESIGN §8) with real boots: the CrowdStrike channel file inside the control
/// sets costs one boot, is blamed and quarantined, and cannot be pushed again without --force.
/// </summary>
public sealed class ImprovedRecoveryProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private const string ChannelFile = "C-00000291-00000000-00000001.sys";

    [Fact]
    public async Task BadChannelFile_CostsOneBoot_IsQuarantined_AndIsRefusedWhenPushedAgain()
    {
        using var machine = await SensorMachineAsync();
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select().LastKnownGood;

        // Without its pre-flight, which would refuse it (PreflightProcessTests): this is recovery's test.
        await machine.LkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", ChannelFile, "--no-preflight");
        var bad = machine.Select().Default;
        Assert.NotEqual(good, bad);
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        Assert.Equal(
            [(good, BootMode.Normal, BootOutcome.Accepted), (bad, BootMode.Normal, BootOutcome.Bugcheck), (good, BootMode.LastKnownGood, BootOutcome.Accepted)],
            machine.History().Select(b => (b.ControlSet, b.Mode, b.Outcome)));
        Assert.Equal(new Select(Current: good, Default: good, Failed: bad, LastKnownGood: good), machine.Select());

        var badHash = ContentHash(machine, bad);
        QuarantineEntry entry;
        using (var hive = Open(machine))
        {
            entry = Assert.Single(Quarantine.List(hive));
        }

        Assert.Equal(("Sensor", "content", ChannelFile, "sha256:" + badHash, 2), (entry.Component, entry.Kind, entry.Name, entry.Identity, entry.Boot));
        Assert.Equal(machine.Crashes().Single().Id, entry.Crash);

        var recovery = JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement.GetProperty("lastRecovery");
        Assert.Equal((3, "last-known-good", good, "Sensor"),
            (recovery.GetProperty("boot").GetInt32(), recovery.GetProperty("mode").GetString(), recovery.GetProperty("controlSet").GetInt32(), recovery.GetProperty("blamed").GetString()));
        Assert.Equal([2], recovery.GetProperty("failedBoots").EnumerateArray().Select(b => b.GetProperty("number").GetInt32()));
        Assert.Equal(entry.Id, recovery.GetProperty("quarantined").EnumerateArray().Single().GetProperty("id").GetInt64());
        Assert.Contains(ChannelFile, recovery.GetProperty("changes").EnumerateArray().Single().GetString());

        var history = JsonDocument.Parse((await machine.LkgAsync("history", "--json")).Output).RootElement.EnumerateArray().ToList();
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Object], history.Select(b => b.GetProperty("recovery").ValueKind));
        Assert.Equal("Sensor", history[2].GetProperty("recovery").GetProperty("blamed").GetString());
        Assert.Contains($"blamed Sensor; quarantined Sensor {ChannelFile} (entry {entry.Id})", (await machine.LkgAsync("history")).Output);

        // Under another name too: the file is held by its hash.
        var again = await machine.TryLkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", "C-00000291-00000000-00000002.sys");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"Sensor's {ChannelFile}", again.Error);
        Assert.Contains($"is quarantined (entry {entry.Id}, crash {entry.Crash})", again.Error);
        Assert.Contains("--force", again.Error);
        Assert.Equal(good, machine.Select().Default);

        await machine.LkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", ChannelFile, "--force", "--no-preflight");
        Assert.NotEqual(good, machine.Select().Default);
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task SensorIsolatedInUserMode_IsDisabledAfterItsCrashes_ItsNewContentQuarantinedAndPutBack_AndNoBootIsLost()
    {
        using var machine = await SensorMachineAsync("--mode", "user");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select().LastKnownGood;
        // Without its pre-flight, which would refuse it (PreflightProcessTests): this is recovery's test.
        await machine.LkgAsync("content", "push", "Sensor", Sensor("C-00000291-00000000-00000032.sys"), "--name", ChannelFile, "--no-preflight");
        var bad = machine.Select().Default;

        using (var boot = machine.StartBoot())
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (JsonDocument.Parse((await machine.LkgAsync("quarantine", "list", "--json")).Output).RootElement.GetArrayLength() == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the Sensor was not disabled and quarantined in time");
                await Task.Delay(250);
            }

            await machine.LkgAsync("shutdown");
            await boot.WaitForExitAsync(Timeout);
        }

        var reverted = machine.Select().Default;
        Assert.NotEqual(bad, reverted);
        using (var hive = Open(machine))
        {
            var entry = Assert.Single(Quarantine.List(hive));
            Assert.Equal(("Sensor", ChannelFile, "sha256:" + ContentHash(machine, bad), 2), (entry.Component, entry.Name, entry.Identity, entry.Boot));
            Assert.DoesNotContain(hive.Diff(good, reverted), d => d.Key.ToString().StartsWith(@"Services\Sensor\Content", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("quarantined", hive.FindControlSet(reverted)!.Reason);
        }

        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        Assert.Equal(
            [(good, BootOutcome.Accepted), (bad, BootOutcome.Accepted), (reverted, BootOutcome.Accepted)],
            machine.History().Select(b => (b.ControlSet, b.Outcome)));
        Assert.Empty(machine.Crashes());
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task QuarantineRelease_LetsTheFileBeWrittenAgain_AndListSaysSo()
    {
        using var machine = await SensorMachineAsync();
        long id;
        using (var hive = Open(machine))
        {
            var file = hive.OpenKey(hive.ReadSelect().Default, KeyPath.Parse(@"Services\Sensor\Content"))!.Values.Single().Value;
            id = Quarantine.Add(hive, new QuarantineEntry("Sensor", @"Services\Sensor\Content", ChannelFile, QuarantineEntry.IdentityOf(file), "held by a test"), DateTimeOffset.UtcNow).Id;
        }

        var refused = await machine.TryLkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Sensor\Content", "copy.sys", Sensor(ChannelFile), "--type", "file");
        Assert.Equal((1, true), (refused.ExitCode, refused.Error.Contains("held by a test", StringComparison.Ordinal)));

        var list = JsonDocument.Parse((await machine.LkgAsync("quarantine", "list", "--json")).Output).RootElement;
        Assert.Equal(id, list.EnumerateArray().Single().GetProperty("id").GetInt64());
        await machine.LkgAsync("quarantine", "release", $"{id}");
        Assert.Empty(JsonDocument.Parse((await machine.LkgAsync("quarantine", "list", "--json")).Output).RootElement.EnumerateArray());
        Assert.Single(JsonDocument.Parse((await machine.LkgAsync("quarantine", "list", "--all", "--json")).Output).RootElement.EnumerateArray());

        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Sensor\Content", "copy.sys", Sensor(ChannelFile), "--type", "file");
        var twice = await machine.TryLkgAsync("quarantine", "release", $"{id}");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("was released already", twice.Error);
        var unknown = await machine.TryLkgAsync("quarantine", "release", "999");
        Assert.Contains("No quarantine entry has the id 999", unknown.Error);
    }

    private static string Sensor(string channelFile) =>
        Path.Combine(Machines.MachineManifestTests.RepositoryRoot(), "samples", "Drivers", "Sensor", "content", channelFile);

    private static Hive Open(TestMachine machine) => machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadWrite);

    private static string ContentHash(TestMachine machine, int set)
    {
        using var hive = Open(machine);
        return hive.OpenKey(set, KeyPath.Parse(@"Services\Sensor\Content"))!.Values.Single(v => v.Name == ChannelFile).Value.AsFile().Hash.ToString();
    }

    /// <summary>An Improved machine with the Sensor driver (installed with <paramref name="install"/>) and its good channel file, accepting at once.</summary>
    private static async Task<TestMachine> SensorMachineAsync(params string[] install)
    {
        var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.InstallDriverAsync("samples/Drivers/Sensor", [.. install, "--start", "boot", "--error-control", "critical", "--group", "Early-Launch"]);
        await machine.LkgAsync("content", "push", "Sensor", Sensor(ChannelFile));
        return machine;
    }
}
