using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>Boot records and the Select transitions of DESIGN §7, on a real hive file.</summary>
public sealed class BootLogTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public BootLogTests()
    {
        _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);
        _hive.Write("test", "first", e => e.SetValue(KeyPath.Parse("Control"), "A", RegistryValue.Dword(1)));
        _hive.Write("test", "second", e => e.SetValue(KeyPath.Parse("Control"), "A", RegistryValue.Dword(2)));
    }

    [Fact]
    public void Begin_Normal_MakesDefaultCurrent()
    {
        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);

        Assert.Equal((1, 2, BootOutcome.Running), (boot.Number, boot.ControlSet, boot.Outcome));
        Assert.Equal(new Select(2, 2, 0, 0), _hive.ReadSelect());
    }

    [Fact]
    public void Accept_SetsLastKnownGoodToCurrent_Once()
    {
        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);

        Assert.True(BootLog.Accept(_hive, boot.Number, Now));
        Assert.False(BootLog.Accept(_hive, boot.Number, Now));
        Assert.Equal(new Select(2, 2, 0, 2), _hive.ReadSelect());
        Assert.Equal(BootOutcome.Accepted, BootLog.Get(_hive, boot.Number).Outcome);
    }

    [Fact]
    public void BootBad_WinsOverALaterBootOk_AndBlocksAcceptance()
    {
        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);

        BootLog.Request(_hive, BootRequest.Bad);
        var after = BootLog.Request(_hive, BootRequest.Ok);

        Assert.Equal(BootRequest.Bad, after.Request);
        Assert.False(BootLog.Accept(_hive, boot.Number, Now));
        Assert.Equal(0, _hive.ReadSelect().LastKnownGood);
    }

    [Fact]
    public void Begin_LastKnownGood_FollowsTheTable()
    {
        _hive.UpdateSelect(s => s with { LastKnownGood = 1 });
        var failed = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);
        BootLog.End(_hive, failed.Number, BootOutcome.Bugcheck, "bug check", askedForLastKnownGood: false, crash: null, Now);

        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.LastKnownGood, "2 consecutive failed boots"), Now);

        Assert.Equal(1, boot.ControlSet);
        Assert.Equal(new Select(Current: 1, Default: 1, Failed: 2, LastKnownGood: 1), _hive.ReadSelect());
    }

    [Fact]
    public void End_AcceptedBootShuttingDown_StaysAccepted_AndASecondEndChangesNothing()
    {
        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);
        BootLog.Accept(_hive, boot.Number, Now);

        var ended = BootLog.End(_hive, boot.Number, BootOutcome.Shutdown, "shut down", false, null, Now);
        var again = BootLog.End(_hive, boot.Number, BootOutcome.Killed, "killed", false, null, Now.AddMinutes(1));

        Assert.Equal(BootOutcome.Accepted, ended.Outcome);
        Assert.Equal(ended, again);
        Assert.Null(BootLog.FindRunning(_hive));
    }

    [Fact]
    public void End_WithACrashRecord_StoresItAndLinksIt()
    {
        var boot = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), Now);
        var crash = new CrashRecord(Now, BugCheckCode.CriticalProcessDied, [1, 9, 137, 0], boot.Number, boot.ControlSet, null, null, "died", "", []);

        var ended = BootLog.End(_hive, boot.Number, BootOutcome.Killed, "died of signal 9", false, crash, Now);

        var stored = CrashLog.FindForBoot(_hive, boot.Number);
        Assert.Equal(ended.CrashId, stored?.Id);
        Assert.Equal((BugCheckCode.CriticalProcessDied, boot.Number), (stored!.Code, stored.Boot));
    }

    [Fact]
    public void Request_WithoutARunningBoot_SaysToStartOne()
    {
        var error = Assert.Throws<LkgException>(() => BootLog.Request(_hive, BootRequest.Ok));

        Assert.Equal(NtStatus.InvalidDeviceState, error.Status);
        Assert.Contains("lkg boot", error.Message);
    }

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }
}
