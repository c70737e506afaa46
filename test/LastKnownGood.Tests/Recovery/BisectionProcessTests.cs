using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// Improved's bisection (DESIGN §8) with real boots: change sets written after Last Known Good,
/// one of which makes a Critical driver bug check at its start; the boot manager finds it by trial
/// boots within ⌈log2 n⌉ + 1 failed boots, quarantines it, and ends on every good change applied.
/// </summary>
public sealed class BisectionProcessTests
{
    private static readonly KeyPath HelloParameters = KeyPath.Parse(@"Services\Hello\Parameters");

    private static readonly KeyPath FaultParameters = KeyPath.Parse(@"Services\FaultDriver\Parameters");

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(8, 3)]
    public async Task TheCulpritAmongNChangeSets_IsFoundWithinTheBound_AndEveryGoodChangeIsKept(int n, int culprit)
    {
        using var machine = await MachineAsync();
        var sets = new List<int>();
        for (var i = 1; i <= n; i++)
        {
            await (i == culprit
                ? machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{FaultParameters}", "Fault", "throw")
                : machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{HelloParameters}", $"Note{i}", $"{i}"));
            sets.Add(machine.Select().Default);
        }

        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "180s");

        var boots = machine.History().Skip(1).ToList();
        var failed = boots.Count(b => b.Failed);
        Assert.InRange(failed, 1, (int)Math.Ceiling(Math.Log2(n)) + 1);
        Assert.Equal(BootOutcome.Accepted, boots[^1].Outcome);
        Assert.All(boots.Where(b => b.Mode == BootMode.Trial), b => Assert.Contains("trial", b.Reason));
        using var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        var select = hive.ReadSelect();
        Assert.Equal((select.Default, select.Default), (boots[^1].ControlSet, select.LastKnownGood));
        Assert.Equal("none", hive.OpenKey(select.Default, FaultParameters)!.Values.Single(v => v.Name == "Fault").Value.AsString());
        Assert.Equal(
            [.. Enumerable.Range(1, n).Where(i => i != culprit).Select(i => $"Note{i}")],
            (hive.OpenKey(select.Default, HelloParameters)?.Values ?? []).Select(v => v.Name).Where(name => name.StartsWith("Note", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        if (culprit < n)
        {
            Assert.Contains($"but FaultDriver in {ControlSetInfo.FormatName(sets[culprit - 1])}, reverted as the culprit", hive.FindControlSet(select.Default)!.Reason);
        }

        var entry = Assert.Single(Quarantine.List(hive));
        Assert.Equal(("FaultDriver", "Fault", QuarantineEntry.IdentityOf(RegistryValue.String("throw"))), (entry.Component, entry.Name, entry.Identity));
        Assert.NotNull(entry.Crash);
        var report = RecoveryLog.Newest(hive)!;
        Assert.Equal(("FaultDriver", n, culprit - 1, culprit), (report.Blamed, report.Bisection!.Units, report.Bisection.Good, report.Bisection.Bad));
    }

    [Fact]
    public async Task AChangeSetTouchingTwoComponents_IsSplit_AndOnlyTheBadComponentsHalfIsReverted()
    {
        using var machine = await MachineAsync();
        await machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{HelloParameters}", "Before", "1");
        using (var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadWrite))
        {
            hive.Write("test", "one change set, two components", editor =>
            {
                editor.SetValue(HelloParameters, "Together", RegistryValue.String("kept"));
                editor.SetValue(FaultParameters, "Fault", RegistryValue.String("throw"));
            });
        }

        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "180s");

        // Three units (Hello, then FaultDriver and Hello of the second set, by name): at most 3 failed boots.
        Assert.InRange(machine.History().Skip(1).Count(b => b.Failed), 1, 3);
        using var read = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        var set = read.ReadSelect().Default;
        Assert.Equal(("1", "kept", "none"), (Value(read, set, HelloParameters, "Before"), Value(read, set, HelloParameters, "Together"), Value(read, set, FaultParameters, "Fault")));
        var status = JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement.GetProperty("lastRecovery");
        Assert.Equal("FaultDriver", status.GetProperty("blamed").GetString());
        Assert.Equal(3, status.GetProperty("bisection").GetProperty("units").GetInt32());
    }

    /// <summary>
    /// The boot-manager SIGKILL soak (BootManagerProcessTests) against a bisection: killed at random
    /// moments through its trials, the machine keeps one record per boot, every one ended, a valid
    /// <c>Select</c>, no process left, and it ends on an accepted boot without the culprit.
    /// </summary>
    [Fact]
    public async Task BootManagerKilledAtRandomMomentsOfABisection_LeavesAConsistentMachine_ThatEndsWithoutTheCulprit()
    {
        using var machine = await MachineAsync();
        for (var i = 1; i <= 4; i++)
        {
            await (i == 3
                ? machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{FaultParameters}", "Fault", "throw")
                : machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{HelloParameters}", $"Note{i}", $"{i}"));
        }

        await machine.KillBootManagersAtRandomAsync(6);

        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "180s");

        var history = machine.AssertConsistentHistory();
        Assert.Contains(history, b => b.Mode == BootMode.Trial);
        using var hive = machine.Directory.OpenHive(TimeProvider.System, HiveAccess.ReadOnly);
        var select = hive.ReadSelect();
        Assert.Equal((BootOutcome.Accepted, select.Current), (history[^1].Outcome, history[^1].ControlSet));
        Assert.Equal("none", Value(hive, select.Current, FaultParameters, "Fault"));
        Assert.Empty(await machine.WaitForNoProcessesAsync(TimeSpan.FromSeconds(30)));
    }

    private static string Value(Hive hive, int set, KeyPath key, string name) =>
        hive.OpenKey(set, key)!.Values.Single(v => v.Name == name).Value.AsString();

    /// <summary>An Improved machine accepting at once, with Hello and a Critical FaultDriver that starts cleanly, booted and accepted once.</summary>
    private static async Task<TestMachine> MachineAsync()
    {
        var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system", "--error-control", "normal");
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system", "--error-control", "critical");
        await machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{FaultParameters}", "Fault", "none");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        return machine;
    }
}
