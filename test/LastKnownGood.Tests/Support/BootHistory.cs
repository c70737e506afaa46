using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Tests.Support;

/// <summary>
/// A long boot history written in process through <see cref="BootLog"/>, as the boot manager
/// writes it, from a seeded mix: normal, Last Known Good and safe-mode boots; accepted, shut down,
/// bug checked (with a crash record), failed to start or killed, some asking for Last Known Good.
/// Acceptance comes and goes in stretches of 100 boots, so some runs of unaccepted boots are long.
/// </summary>
public static class BootHistory
{
    /// <summary>Boot N starts N minutes after this.</summary>
    public static readonly DateTimeOffset Start = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset StartOf(int boot) => Start.AddMinutes(boot);

    /// <summary>Appends <paramref name="count"/> boots, calling <paramref name="afterEach"/> after each.</summary>
    public static void Write(Hive hive, int count, int seed, Action? afterEach = null)
    {
        // A throwaway file: without an fsync per commit, thousands of boots take seconds, not minutes.
        hive.Database.Execute("PRAGMA synchronous = OFF");
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            WriteOne(hive, random);
            afterEach?.Invoke();
        }

        hive.Database.Execute("PRAGMA synchronous = FULL");
    }

    private static void WriteOne(Hive hive, Random random)
    {
        var number = BootLog.NewestNumber(hive) + 1;
        var time = StartOf(number);
        var roll = random.Next(100);
        var mode = roll < 8 && hive.ReadSelect().LastKnownGood != 0 ? BootMode.LastKnownGood : roll is >= 8 and < 12 ? BootMode.SafeMinimal : BootMode.Normal;
        var plan = new BootPlan(mode, $"test boot {number}");
        if (mode != BootMode.Normal)
        {
            // A fallback leaves its report, as a recovery policy writes it: the failed boots before it.
            var select = hive.ReadSelect();
            var failed = ClassicRecovery.FailedBootsSince(BootLog.ReadForDecision(hive)).Reverse()
                .Select(b => new FailedBoot(b.Number, b.ControlSet, BootNames.Name(b.Outcome), b.EndReason,
                    CrashLog.FindForBoot(hive, b.Number) is { } crash ? BugCheckSummary.Of(crash) : null)).ToList();
            plan = plan with { Recovery = new RecoveryReport("Classic", BootNames.Name(mode), mode == BootMode.LastKnownGood ? select.LastKnownGood : select.Default, plan.Reason, failed) };
        }

        var boot = BootLog.Begin(hive, plan, time);
        var accepting = number / 100 % 2 == 0;
        if (accepting && !boot.IsSafeMode && random.Next(100) < 40)
        {
            BootLog.Accept(hive, boot.Number, time);
        }

        var (outcome, askedForLastKnownGood) = random.Next(10) switch
        {
            < 4 => (BootOutcome.Shutdown, false),
            < 7 => (BootOutcome.Bugcheck, false),
            7 => (BootOutcome.StartFailure, random.Next(2) == 0),
            _ => (BootOutcome.Killed, random.Next(4) == 0),
        };
        var crash = outcome == BootOutcome.Bugcheck
            ? new CrashRecord(time, BugCheckCode.PageFaultInNonpagedArea, [1, 2, 3, 4], boot.Number, boot.ControlSet, $"Driver{number % 7}", null, "a test crash", "stack", [])
            : null;
        BootLog.End(hive, boot.Number, outcome, $"test end {number}", askedForLastKnownGood, crash, time);
    }
}
