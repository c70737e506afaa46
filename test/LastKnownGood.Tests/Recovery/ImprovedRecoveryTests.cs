using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Recovery;

/// <summary>
/// Improved's decision (DESIGN §8) over histories written through <see cref="BootLog"/> on a real
/// machine database, as the boot manager writes them, with crash records the analysis blames.
/// </summary>
public sealed class ImprovedRecoveryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 7, 19, 4, 9, 0, TimeSpan.Zero);
    private static readonly KeyPath Parameters = KeyPath.Parse(@"Services\Sensor\Parameters");

    private readonly TempDirectory _temp = new();
    private readonly MachineDirectory _machine;
    private readonly Hive _hive;

    public ImprovedRecoveryTests()
    {
        _machine = new MachineDirectory(_temp.Combine("machine"));
        _machine.Create(TimeProvider.System, hive => hive.Write("test", "install sensor", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(20))));
        _hive = _machine.OpenHive(TimeProvider.System);
    }

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void AFailedBootWithoutLastKnownGood_IsTriedAgain_ButTheSameFailureTwiceIsDeterministic_AndGoesToSafeMode()
    {
        Crash("Sensor");
        Assert.Equal(BootMode.Normal, Decide().Mode);

        Crash("Sensor");
        var plan = Decide();

        Assert.Equal(BootMode.SafeMinimal, plan.Mode);
        Assert.Equal("boot 2 failed as boot 1 did (0x50_Sensor), and there is no Last Known Good yet", plan.Reason);
        Assert.Equal([1, 2], plan.Recovery!.FailedBoots.Select(b => b.Number));
    }

    [Fact]
    public void TwoDifferentFailures_AreNotDeterministic_AndAreTriedAgain()
    {
        Crash("Sensor");
        Crash("Hello");

        Assert.Equal((BootMode.Normal, "Default again after 2 failed boots, none the same twice"), (Decide().Mode, Decide().Reason));
    }

    [Fact]
    public void AFailedBootOnASetNewerThanLastKnownGood_BootsLastKnownGoodAtOnce_AndQuarantinesTheBlamedChange()
    {
        Accept();
        var good = _hive.ReadSelect().LastKnownGood;
        _hive.Write("test", "budget 21", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(21)));
        var crash = Crash("Sensor");

        var plan = Decide();

        Assert.Equal(BootMode.LastKnownGood, plan.Mode);
        Assert.StartsWith("the bisection of the 1 change since ControlSet001 of ControlSet002 found the culprit, change 1: Sensor in ControlSet002", plan.Reason);
        var report = plan.Recovery!;
        Assert.Equal(("Improved", good, "Sensor", "0x50_Sensor", crash), (report.Policy, report.ControlSet, report.Blamed, report.Bucket, report.Crash));
        Assert.Equal([@"Services\Sensor\Parameters\Budget: 0x00000014 (20) -> 0x00000015 (21)"], report.Changes);
        var entry = Assert.Single(report.Quarantined);
        Assert.Equal(("Sensor", @"Services\Sensor\Parameters", "Budget", QuarantineEntry.IdentityOf(RegistryValue.Dword(21)), 2), (entry.Component, entry.Key, entry.Name, entry.Identity, entry.Boot));
    }

    [Fact]
    public void ACrashBlamedOnAnotherDriver_StillConvictsTheOneChangeSinceLastKnownGood()
    {
        Accept();
        _hive.Write("test", "budget 21", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(21)));
        Crash("Hello");

        var report = Decide().Recovery!;

        // The analysis blames Hello (DESIGN §12: it can blame the wrong driver); the one change since Last Known Good is Sensor's.
        Assert.Equal(("Sensor", "0x50_Hello"), (report.Blamed, report.Bucket));
        Assert.Equal("Sensor", Assert.Single(report.Quarantined).Component);
        Assert.Equal((1, 0, 1), (report.Bisection!.Units, report.Bisection.Good, report.Bisection.Bad));
    }

    [Fact]
    public void AFailedLastKnownGoodBoot_GoesToSafeMode()
    {
        Accept();
        _hive.Write("test", "budget 21", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(21)));
        Crash("Sensor");
        Crash("Sensor", Decide());

        Assert.Equal((BootMode.SafeMinimal, "Last Known Good failed too (boot 3)"), (Decide().Mode, Decide().Reason));
    }

    [Fact]
    public void TheRecordedReport_QuarantinesWithTheFallbacksStart_AndAWriteOfTheCulpritIsRefused()
    {
        Accept();
        _hive.Write("test", "budget 21", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(21)));
        Crash("Sensor");

        var fallback = BootLog.Begin(_hive, Decide(), Now);

        var report = RecoveryLog.Newest(_hive)!;
        Assert.Equal((fallback.Number, 1), (report.Boot, report.Quarantined.Count));
        Assert.Equal(report.Quarantined[0], Assert.Single(Quarantine.List(_hive)));
        var refused = Assert.Throws<LkgException>(() => GuardedWrite.Write(_hive, "test", "budget 21 again", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(21))));
        Assert.StartsWith(@"Services\Sensor\Parameters\Budget with this value is quarantined", refused.Message);
        Assert.Contains($"is quarantined (entry {report.Quarantined[0].Id}, crash", refused.Message);
        Assert.Equal(fallback.ControlSet, _hive.ReadSelect().Default);
        Assert.True(GuardedWrite.Write(_hive, "test", "budget 22", e => e.SetValue(Parameters, "Budget", RegistryValue.Dword(22))).Changed);
    }

    private BootPlan Decide() => ImprovedRecovery.Instance.Decide(RecoveryContext.Read(_hive, _machine, Lkg.Dumps));

    private void Accept()
    {
        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);
        BootLog.Accept(_hive, boot.Number, Now);
        BootLog.End(_hive, boot.Number, BootOutcome.Shutdown, "shut down", askedForLastKnownGood: false, crash: null, Now);
    }

    /// <summary>A boot of <paramref name="plan"/> (default: Default, normal) that bug checks 0x50 in <paramref name="component"/>; returns the crash's id.</summary>
    private long Crash(string component, BootPlan? plan = null)
    {
        var boot = BootLog.Begin(_hive, plan ?? new BootPlan(BootMode.Normal, "Default"), Now);
        var crash = new CrashRecord(Now, BugCheckCode.PageFaultInNonpagedArea, [1, 2, 3, 4], boot.Number, boot.ControlSet, component, null, "a test crash", "stack", []);
        return BootLog.End(_hive, boot.Number, BootOutcome.Bugcheck, "bug check", askedForLastKnownGood: false, crash, Now).CrashId!.Value;
    }
}
