using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// What a recovery policy decides from: the boots <see cref="BootLog.ReadForDecision"/> reads
/// (newest first, none still running), <c>Select</c>, the <c>Control\Recovery</c> knobs of
/// <c>Default</c>, and the hive, read only, for the crash records and control sets of those boots,
/// with lkg-host to read a dump that the analysis of a crash needs.
/// </summary>
public sealed record RecoveryContext(Hive Hive, MachineDirectory Machine, IReadOnlyList<BootRecord> History, Select Select, RecoveryOptions Options, DumpReader Dumps)
{
    /// <summary>The context the boot manager decides in now.</summary>
    public static RecoveryContext Read(Hive hive, MachineDirectory machine, DumpReader dumps)
    {
        var select = hive.ReadSelect();
        return new RecoveryContext(hive, machine, BootLog.ReadForDecision(hive), select, RecoveryOptions.Read(hive, select.Default), dumps);
    }

    /// <summary>The run of failed boots at the head of the history, oldest first, as a report lists them.</summary>
    public IReadOnlyList<FailedBoot> FailedBoots() =>
    [
        .. ClassicRecovery.FailedBootsSince(History).Reverse().Select(b => new FailedBoot(b.Number, b.ControlSet, BootNames.Name(b.Outcome), b.EndReason,
            CrashLog.FindForBoot(Hive, b.Number) is { } crash ? BugCheckSummary.Of(crash) : null)),
    ];

    /// <summary>The report of a fallback to <paramref name="plan"/>: the failed boots before it, and why.</summary>
    public RecoveryReport Report(BootPlan plan, int controlSet) =>
        new(Options.Policy.ToString(), BootNames.Name(plan.Mode), controlSet, plan.Reason, FailedBoots());

    /// <summary>The analysis of a boot's crash record, or null for a boot that left none.</summary>
    public CrashAnalysis? Analysis(BootRecord boot) => Analysis(boot.Number);

    /// <summary>
    /// The analysis of the crash record of boot <paramref name="boot"/>, or null when it left none;
    /// made once per boot and decision, since one that reads a dump starts lkg-host to read it.
    /// </summary>
    public CrashAnalysis? Analysis(int boot)
    {
        if (!_analyses.TryGetValue(boot, out var analysis))
        {
            analysis = CrashLog.FindForBoot(Hive, boot) is { } crash ? new Analyzer(Hive, Machine, Dumps).Analyze(crash) : null;
            _analyses[boot] = analysis;
        }

        return analysis;
    }

    private readonly Dictionary<int, CrashAnalysis?> _analyses = [];

    /// <summary>The bisection a boot was part of, from its recovery report; null for a boot of none (or a report that does not verify).</summary>
    public Bisection? BisectionOf(BootRecord boot) =>
        RecoveryLog.ReadForBoots(Hive, boot.Number, boot.Number) is [{ Value.Bisection: { } bisection }] ? bisection : null;
}
