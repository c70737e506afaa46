using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// The Improved recovery policy (DESIGN §8), the default. A failed boot on a set that was never
/// accepted (a tentative set, or any set newer than Last Known Good) boots Last Known Good at once:
/// one lost boot, not two. The change blamed (what the blamed component's <c>Services\</c> subtree
/// gained since Last Known Good) is quarantined, and the report says so. A failure with the same
/// failure bucket twice on the same set is deterministic: it is not retried. Like Classic, the
/// decision is a function of the history, so a boot manager restarted at any moment decides the same way.
/// </summary>
public sealed class ImprovedRecovery : IRecoveryPolicy
{
    public static readonly ImprovedRecovery Instance = new();

    private ImprovedRecovery()
    {
    }

    public BootPlan Decide(RecoveryContext context)
    {
        var (history, select) = (context.History, context.Select);
        if (history is [{ AskedForLastKnownGood: true, IsSafeMode: false } last, ..] && (last.Mode is BootMode.Normal or BootMode.Trial || last.Accepted is not null)
            && select.LastKnownGood != 0)
        {
            return Fallback(context, new BootPlan(BootMode.LastKnownGood, $"boot {last.Number} asked for Last Known Good"), blame: null);
        }

        var failures = ClassicRecovery.FailedBootsSince(history);
        if (failures is not [var newest, ..])
        {
            return new BootPlan(BootMode.Normal, "Default");
        }

        if (newest.Mode == BootMode.LastKnownGood)
        {
            return Fallback(context, new BootPlan(BootMode.SafeMinimal, $"Last Known Good failed too (boot {newest.Number})"), blame: null);
        }

        var analysis = context.Analysis(newest);
        var deterministic = analysis is not null && failures.Skip(1)
            .Any(b => b.ControlSet == newest.ControlSet && context.Analysis(b)?.FailureBucketId == analysis.FailureBucketId);
        if (newest.ControlSet != select.LastKnownGood && select.LastKnownGood != 0)
        {
            var why = $"boot {newest.Number} failed on {ControlSetInfo.FormatName(newest.ControlSet)}, which was never accepted";
            return Fallback(context, new BootPlan(BootMode.LastKnownGood, why), analysis);
        }

        if (deterministic)
        {
            var why = $"boot {newest.Number} failed as boot {failures.Skip(1).First(b => b.ControlSet == newest.ControlSet).Number} did ({analysis!.FailureBucketId}), "
                + (select.LastKnownGood == 0 ? "and there is no Last Known Good yet" : "on Last Known Good itself");
            return Fallback(context, new BootPlan(BootMode.SafeMinimal, why), analysis);
        }

        return new BootPlan(BootMode.Normal, $"Default again after {failures.Count} failed boot{(failures.Count == 1 ? "" : "s")}, none the same twice");
    }

    /// <summary><paramref name="plan"/> with its report: the bug check's bucket, the component blamed, and the change blamed, quarantined.</summary>
    private static BootPlan Fallback(RecoveryContext context, BootPlan plan, CrashAnalysis? blame)
    {
        var failed = context.History.First(b => b.Failed || b.AskedForLastKnownGood);
        var report = context.Report(plan, plan.Mode == BootMode.LastKnownGood ? context.Select.LastKnownGood : context.Select.Default);
        if (blame?.Blamed is not { } component)
        {
            return plan with { Recovery = report };
        }

        var changes = Culprit(context.Hive, context.Select.LastKnownGood, failed.ControlSet, component);
        return plan with
        {
            Recovery = report with
            {
                Crash = blame.Crash,
                Bucket = blame.FailureBucketId,
                Blamed = component,
                Changes = [.. changes.Select(Describe)],
                Quarantined = plan.Mode == BootMode.LastKnownGood
                    ? [.. changes.Where(c => c.New is not null).Select(c => new QuarantineEntry(component, c.Key.ToString(), c.Name!, QuarantineEntry.IdentityOf(c.New!),
                        $"{StopCodeJsonConverter.Format(blame.Code)} {blame.Name} in {component} on boot {failed.Number}") { Crash = blame.Crash, Boot = failed.Number })]
                    : [],
            },
        };
    }

    /// <summary>The values <paramref name="component"/>'s subtree gained or changed from <paramref name="lastKnownGood"/> to <paramref name="failed"/>; none without Last Known Good.</summary>
    private static IReadOnlyList<RegistryDifference> Culprit(Hive hive, int lastKnownGood, int failed, string component) =>
        lastKnownGood == 0 || lastKnownGood == failed || hive.FindControlSet(lastKnownGood) is null || hive.FindControlSet(failed) is null
            ? []
            : [.. hive.Diff(lastKnownGood, failed).Where(d => d.Name is not null && string.Equals(Quarantine.ComponentOf(d.Key), component, StringComparison.OrdinalIgnoreCase))];

    private static string Describe(RegistryDifference d) =>
        $@"{d.Key}\{d.Name}: {d.Old?.ToDisplayString() ?? "(none)"} -> {d.New?.ToDisplayString() ?? "(deleted)"}";
}
