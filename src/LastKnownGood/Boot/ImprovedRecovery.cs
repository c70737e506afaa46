using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// The Improved recovery policy (DESIGN §8), the default. A set never accepted that fails by
/// itself is bisected: the change sets since Last Known Good, split by component, are tried by
/// trial boots until one unit is left, the culprit, which is quarantined; the next boot runs every
/// other change on top of Last Known Good (docs/recovery.md). One change is the culprit at once:
/// one lost boot, not two. Where nothing links Last Known Good to the failed set, the analysis
/// blames and Last Known Good boots at once. A failure with the same failure bucket twice on the
/// same set is deterministic: it is not retried. Like Classic, the decision is a function of the
/// history (a bisection's state is in its trials' reports), so a boot manager restarted at any
/// moment decides the same way.
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
        if (history is [{ Mode: BootMode.Trial } trial, ..] && context.BisectionOf(trial) is { } running)
        {
            // A trial that ended neither accepted nor failing (its boot manager died, or it was shut down first) proves nothing: it runs again, uncounted.
            return Bisect(context, ChangeUnit.Between(context.Hive, running.Base, running.Failed), trial.Accepted is not null ? running with { Good = running.Trial }
                : FailedByItself(trial) ? running with { Bad = running.Trial, Convicted = trial.Number }
                : running with { Trials = running.Trials - 1 });
        }

        // DESIGN §7: an unexpected restart leaves Select as it is; under Improved it is no failure of the set either.
        if (history is [{ Mode: BootMode.Normal, Outcome: BootOutcome.Killed, AskedForLastKnownGood: false, Accepted: null } killed, ..])
        {
            return new BootPlan(BootMode.Normal, $"Default again: boot {killed.Number} ended with its boot manager, which tells nothing of its set");
        }

        // A set never accepted failed by itself, with change sets between Last Known Good and it: bisect them (one unit is found at once).
        if (history is [{ Mode: BootMode.Normal } failedBoot, ..] && FailedByItself(failedBoot) && !AskedByAPerson(failedBoot)
            && select.LastKnownGood != 0 && failedBoot.ControlSet != select.LastKnownGood
            && ChangeUnit.Between(context.Hive, select.LastKnownGood, failedBoot.ControlSet) is { Count: > 0 } units)
        {
            return Bisect(context, units, new Bisection(failedBoot.ControlSet, select.LastKnownGood, units.Count, Good: 0, Bad: units.Count, Trial: 0, Trials: 0, failedBoot.Number));
        }

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

    /// <summary>
    /// Content files (values of <c>Services\&lt;Name&gt;\Content</c>) are offered to the running
    /// components live, as a sensor takes a new channel file (DESIGN §6); any other change waits for the next boot.
    /// </summary>
    public bool AppliesLive(IReadOnlyList<RegistryDifference> change) =>
        change.Count > 0 && change.All(d => d.Name is not null && ContentComponent(d.Key) is not null);

    /// <summary>The component whose <c>Content</c> key <paramref name="key"/> is, if it is one.</summary>
    public static string? ContentComponent(KeyPath key) =>
        key.Segments is [_, var component, var content] && Quarantine.ComponentOf(key) is not null && RegistryNames.Comparer.Equals(content, "Content") ? component : null;

    /// <summary>
    /// A failure that tells against the boot's set: a bug check, a start failure, a request for Last
    /// Known Good. A kernel killed with a boot manager that died tells nothing about it.
    /// </summary>
    private static bool FailedByItself(BootRecord boot) =>
        boot.Accepted is null && (boot.Outcome is BootOutcome.Bugcheck or BootOutcome.StartFailure || boot.AskedForLastKnownGood);

    /// <summary>A person's <c>lkg boot-bad</c>: Last Known Good as asked, not a bisection.</summary>
    private static bool AskedByAPerson(BootRecord boot) => boot.AskedForLastKnownGood && boot.Outcome == BootOutcome.Killed;

    /// <summary>
    /// The bisection's next boot: the end once one unit is left (the culprit), else a trial of Last
    /// Known Good with the first half of the units still in doubt; Last Known Good, blamed by the
    /// analysis, when its sets are gone (<paramref name="units"/>, read from them, are not the
    /// bisection's any more) or its trial boots reach <c>MaxTrialBoots</c>.
    /// </summary>
    private static BootPlan Bisect(RecoveryContext context, IReadOnlyList<ChangeUnit>? units, Bisection state)
    {
        var lastKnownGood = context.Select.LastKnownGood;
        var of = $"{state.Units} change{(state.Units == 1 ? "" : "s")} since {ControlSetInfo.FormatName(state.Base)} of {ControlSetInfo.FormatName(state.Failed)}";
        if (units?.Count != state.Units)
        {
            return Fallback(context, new BootPlan(BootMode.LastKnownGood, $"the bisection of the {of} cannot go on: a set between them is gone"), context.Analysis(state.Convicted));
        }

        if (state.Bad - state.Good == 1)
        {
            return End(context, state, units, of);
        }

        if (state.Trials >= context.Options.MaxTrialBoots)
        {
            var why = $"the bisection of the {of} took {state.Trials} trial boots (MaxTrialBoots) and the culprit is still one of changes {state.Good + 1}..{state.Bad}";
            return Fallback(context, new BootPlan(BootMode.LastKnownGood, why), context.Analysis(state.Convicted));
        }

        var trial = (state.Good + state.Bad) / 2;
        var reason = $"trial {state.Trials + 1} of the bisection of the {of}: Last Known Good with changes {state.Good + 1}..{trial}; the culprit is one of changes {state.Good + 1}..{state.Bad}";
        var plan = new BootPlan(BootMode.Trial, reason) { Derive = new DerivedSet(lastKnownGood, reason, [.. units.Take(trial).Skip(state.Good)]), AcceptAfter = Hold(context, state) };
        return plan with { Recovery = context.Report(plan, lastKnownGood) with { Bisection = state with { Trial = trial, Trials = state.Trials + 1 } } };
    }

    /// <summary>Twice as long as the boot that made the last half bad lasted, at most <see cref="MaxHold"/>: a trial accepted sooner may not have met the fault.</summary>
    private static TimeSpan Hold(RecoveryContext context, Bisection state) =>
        BootLog.Get(context.Hive, state.Convicted) is { Ended: { } ended } convicted
            ? TimeSpan.FromTicks(Math.Min(MaxHold.Ticks, 2 * (ended - convicted.Started).Ticks))
            : MaxHold;

    private static readonly TimeSpan MaxHold = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The culprit is unit <c>Bad</c>: the next boot runs Last Known Good (which holds every unit
    /// before it) with every unit after it, as a new <c>Default</c> whose reason names the culprit,
    /// or Last Known Good itself when it was the last; the culprit's values are quarantined.
    /// </summary>
    private static BootPlan End(RecoveryContext context, Bisection state, IReadOnlyList<ChangeUnit> units, string of)
    {
        var culprit = units[state.Bad - 1];
        var after = units.Skip(state.Bad).ToList();
        var reason = $"the bisection of the {of} found the culprit, change {state.Bad}: {culprit.Describe()}; "
            + (after.Count == 0 ? "Last Known Good holds every change before it" : $"Last Known Good with the {after.Count} change{(after.Count == 1 ? "" : "s")} after it, the culprit reverted");
        var plan = after.Count == 0 ? new BootPlan(BootMode.LastKnownGood, reason)
            : new BootPlan(BootMode.Normal, reason) { Derive = new DerivedSet(context.Select.LastKnownGood, $"bisection: every change of {ControlSetInfo.FormatName(state.Failed)} but {culprit.Describe()}, reverted as the culprit", after) };
        var analysis = context.Analysis(state.Convicted);
        var how = analysis is null ? $"failed boot {state.Convicted}" : $"{StopCodeJsonConverter.Format(analysis.Code)} {analysis.Name} on boot {state.Convicted}";
        var verdict = Convict(context.Report(plan, context.Select.LastKnownGood), analysis, culprit.Component, culprit.Differences, quarantine: true,
            $"bisection: change {state.Bad} of the {of}, {how}", state.Convicted);
        return plan with { Recovery = verdict with { Bisection = state with { Trial = 0 }, Kept = [.. units.Where(u => u != culprit).Select(u => u.Describe())] } };
    }

    /// <summary>
    /// <paramref name="plan"/> with its report: the bug check's bucket, the component blamed, and the
    /// change blamed, quarantined. Safe mode runs the recovery environment when a remediation source is set.
    /// </summary>
    private static BootPlan Fallback(RecoveryContext context, BootPlan plan, CrashAnalysis? blame)
    {
        if (plan.Mode == BootMode.SafeMinimal && context.Options.RemediationSource is { Length: > 0 } source)
        {
            plan = plan with { Remediation = new RemediationPlan(source, context.Options.RemediationRetry) };
        }

        var failed = context.History.First(b => b.Failed || b.AskedForLastKnownGood);
        var report = context.Report(plan, plan.Mode == BootMode.LastKnownGood ? context.Select.LastKnownGood : context.Select.Default);
        if (blame?.Blamed is not { } component)
        {
            return plan with { Recovery = report };
        }

        var changes = Culprit(context.Hive, context.Select.LastKnownGood, failed.ControlSet, component);
        return plan with
        {
            Recovery = Convict(report, blame, component, changes, quarantine: plan.Mode == BootMode.LastKnownGood,
                $"{StopCodeJsonConverter.Format(blame.Code)} {blame.Name} in {component} on boot {failed.Number}", failed.Number),
        };
    }

    /// <summary>
    /// <paramref name="report"/> with its verdict: the crash and its bucket, the component and the
    /// changes blamed, and, when <paramref name="quarantine"/> and the changes are a component's,
    /// the values they wrote, held for <paramref name="why"/>.
    /// </summary>
    private static RecoveryReport Convict(RecoveryReport report, CrashAnalysis? analysis, string? component, IReadOnlyList<RegistryDifference> changes, bool quarantine, string why, int boot) =>
        report with
        {
            Crash = analysis?.Crash,
            Bucket = analysis?.FailureBucketId,
            Blamed = component,
            Changes = [.. changes.Select(Describe)],
            Quarantined = !quarantine || component is null ? []
                : [.. changes.Where(d => d is { Name: not null, New: not null })
                    .Select(d => new QuarantineEntry(component, d.Key.ToString(), d.Name!, QuarantineEntry.IdentityOf(d.New!), why) { Crash = analysis?.Crash, Boot = boot })],
        };

    /// <summary>The values <paramref name="component"/>'s subtree gained or changed from <paramref name="lastKnownGood"/> to <paramref name="failed"/>; none without Last Known Good.</summary>
    private static IReadOnlyList<RegistryDifference> Culprit(Hive hive, int lastKnownGood, int failed, string component) =>
        lastKnownGood == 0 || lastKnownGood == failed || hive.FindControlSet(lastKnownGood) is null || hive.FindControlSet(failed) is null
            ? []
            : [.. hive.Diff(lastKnownGood, failed).Where(d => d.Name is not null && string.Equals(Quarantine.ComponentOf(d.Key), component, StringComparison.OrdinalIgnoreCase))];

    private static string Describe(RegistryDifference d) =>
        $@"{d.Key}\{d.Name}: {d.Old?.ToDisplayString() ?? "(none)"} -> {d.New?.ToDisplayString() ?? "(deleted)"}";
}
