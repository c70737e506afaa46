using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// The Classic recovery policy (DESIGN §8), Windows' own: a failed boot leaves <c>Select</c>
/// alone and the next boot retries <c>Default</c>; after <c>FailedBootsBeforeRecovery</c>
/// consecutive failed boots, or at once when a start failure or <c>lkg boot-bad</c> asks for
/// it, Last Known Good; when that fails as well, safe mode (minimal). The decision is a pure
/// function of the history, so a boot manager restarted at any moment decides the same way.
/// </summary>
public sealed class ClassicRecovery : IRecoveryPolicy
{
    public static readonly ClassicRecovery Instance = new();

    private ClassicRecovery()
    {
    }

    /// <summary>The decision of <see cref="Decide(IReadOnlyList{BootRecord}, Select, RecoveryOptions)"/>, with the report of a fallback.</summary>
    public BootPlan Decide(RecoveryContext context)
    {
        var plan = Decide(context.History, context.Select, context.Options);
        return plan.Mode switch
        {
            BootMode.LastKnownGood => plan with { Recovery = context.Report(plan, context.Select.LastKnownGood) },
            BootMode.SafeMinimal => plan with { Recovery = context.Report(plan, context.Select.Default) },
            _ => plan,
        };
    }

    /// <summary>Windows applies no change to a running boot: it waits for the next.</summary>
    public bool AppliesLive(IReadOnlyList<RegistryDifference> change) => false;

    /// <summary>The next boot after <paramref name="history"/>: the machine's boots, newest first, none of them still running.</summary>
    public static BootPlan Decide(IReadOnlyList<BootRecord> history, Select select, RecoveryOptions options)
    {
        // lkg boot-bad asks for Last Known Good even of a boot that was accepted; of a Last Known
        // Good boot not yet accepted, it is that boot failing, and the rules below go on to safe mode.
        if (history is [{ AskedForLastKnownGood: true, IsSafeMode: false } last, ..] && (last.Mode == BootMode.Normal || last.Accepted is not null)
            && select.LastKnownGood != 0)
        {
            return new BootPlan(BootMode.LastKnownGood, $"boot {last.Number} asked for Last Known Good");
        }

        var failures = FailedBootsSince(history);
        if (failures is not [var newest, ..])
        {
            return new BootPlan(BootMode.Normal, "Default");
        }

        if (newest.Mode == BootMode.LastKnownGood)
        {
            return new BootPlan(BootMode.SafeMinimal, $"Last Known Good failed too (boot {newest.Number})");
        }

        var consecutive = failures.TakeWhile(b => b.Mode == BootMode.Normal).Count();
        var why = newest.AskedForLastKnownGood ? $"boot {newest.Number} asked for Last Known Good"
            : consecutive >= options.FailedBootsBeforeRecovery ? $"{consecutive} consecutive failed boots"
            : null;
        if (why is null)
        {
            return new BootPlan(BootMode.Normal, $"Default again after {consecutive} failed boot{(consecutive == 1 ? "" : "s")}");
        }

        return select.LastKnownGood == 0
            ? new BootPlan(BootMode.SafeMinimal, $"{why}, and there is no Last Known Good yet")
            : new BootPlan(BootMode.LastKnownGood, why);
    }

    /// <summary>
    /// The run of failed boots at the head of <paramref name="history"/> (newest first): an
    /// accepted boot, or a person's visit in safe mode, ends it; a clean shutdown neither proves a
    /// boot good nor counts against it.
    /// </summary>
    public static IReadOnlyList<BootRecord> FailedBootsSince(IEnumerable<BootRecord> history) =>
        [.. history.TakeWhile(b => b.Accepted is null && !b.IsSafeMode).Where(b => b.Failed)];
}
