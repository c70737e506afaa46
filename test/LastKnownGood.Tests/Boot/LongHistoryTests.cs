using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>
/// What the boot manager and <c>lkg status</c> read of a long history (the newest boot, the boots
/// the decision counts since the last accepted one, the newest fallback, a boot's crash records)
/// answers exactly as the whole history read and filtered as before, after every boot of a long
/// seeded mix on a real hive file.
/// </summary>
public sealed class LongHistoryTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public LongHistoryTests()
    {
        _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);
        _hive.Write("test", "first", e => e.SetValue(KeyPath.Parse("Control"), "A", RegistryValue.Dword(1)));
    }

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void BoundedReads_AfterEveryBootOfALongMixedHistory_AnswerAsTheWholeHistory()
    {
        var options = new RecoveryOptions();
        var decided = new HashSet<BootMode>();
        var longestRun = 0;
        BootHistory.Write(_hive, 600, seed: 20261204, afterEach: () =>
        {
            var whole = BootLog.List(_hive);
            var newestFirst = whole.Reverse().ToList();
            var select = _hive.ReadSelect();

            var plan = ClassicRecovery.Decide(newestFirst, select, options);
            Assert.Equal(plan, ClassicRecovery.Decide(BootLog.ReadForDecision(_hive), select, options));
            decided.Add(plan.Mode);
            longestRun = Math.Max(longestRun, newestFirst.TakeWhile(b => b.Accepted is null && !b.IsSafeMode).Count());

            Assert.Equal(whole[^1], BootLog.Newest(_hive));
            var fallback = whole.LastOrDefault(b => b.Mode != BootMode.Normal);
            Assert.Equal(fallback, BootLog.NewestFallback(_hive));
            if (fallback is not null)
            {
                Assert.Equal(
                    ClassicRecovery.FailedBootsSince(newestFirst.Where(b => b.Number < fallback.Number)),
                    ClassicRecovery.FailedBootsSince(BootLog.CountedBefore(_hive, fallback.Number)));
            }
        });

        var crashes = CrashLog.List(_hive);
        Assert.All(BootLog.List(_hive), boot => Assert.Equal(crashes.LastOrDefault(c => c.Boot == boot.Number)?.Id, CrashLog.FindForBoot(_hive, boot.Number)?.Id));

        // The mix reached every decision, through runs of unaccepted boots longer than what the decision reads.
        Assert.Equal([BootMode.Normal, BootMode.LastKnownGood, BootMode.SafeMinimal], decided.Order());
        Assert.True(longestRun >= 20, $"the longest run without an accepted or safe-mode boot was {longestRun} boots");
    }

    [Fact]
    public void FindRunning_IsTheNewestBoot_WhileItHasNotEnded()
    {
        BootHistory.Write(_hive, 30, seed: 7);
        Assert.Null(BootLog.FindRunning(_hive));

        var running = BootLog.Begin(_hive, new BootPlan(BootMode.Normal, "Default"), BootHistory.StartOf(31));

        Assert.Equal(running.Number, BootLog.FindRunning(_hive)?.Number);
    }
}
