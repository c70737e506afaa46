namespace LastKnownGood.Diagnostics;

public sealed partial class Analyzer
{
    private sealed record BlameResult(int? Frame, string? Owner, string Reason);

    /// <summary>
    /// The walk: from the top of the stack, the first frame that no triage rule ignores and whose
    /// owner (the rule's target, else the frame's driver) is a driver. Without one, the driver the
    /// crash record names, if any.
    /// </summary>
    private static BlameResult Walk(IReadOnlyList<CrashFrame> stack, TriageRules rules, string? component)
    {
        var skipped = new List<string>();
        for (var i = 0; i < stack.Count; i++)
        {
            var rule = rules.Find(stack[i]);
            if (rule is { Ignores: true })
            {
                skipped.Add(rule.Name);
                continue;
            }

            if ((rule?.Owner ?? stack[i].Owner) is { } owner)
            {
                var how = rule is null
                    ? $"Frame {i:00} ({stack[i].Symbol}) is the first frame in a driver's code, {owner}'s."
                    : $@"Frame {i:00} ({stack[i].Symbol}) is given to {owner} by the triage rule Control\Triage\{rule.Name}.";
                return new(i, owner, how + Skipped(skipped));
            }
        }

        var none = stack.Count == 0 ? "The record has no stack (it was written from the kernel's exit status, or before stacks were recorded)" : "No frame of the stack is in a driver's code";
        return component is not null
            ? new(null, component, $"{none}; the crash record names {component}." + Skipped(skipped))
            : new(null, null, $"{none}, and the crash record names no driver." + Skipped(skipped));
    }

    private static string Skipped(List<string> rules) =>
        rules.Count == 0 ? "" : $@" Frames skipped by Control\Triage: {string.Join(", ", rules.Distinct(StringComparer.OrdinalIgnoreCase))}.";

    /// <summary>The other drivers the pool evidence, the crash record and the rest of the stack point at; the first reason for each.</summary>
    private static IReadOnlyList<Suspect> Suspects(CrashRecord crash, IReadOnlyList<CrashFrame> stack, BlameResult blame)
    {
        var suspects = new List<Suspect>();
        void Add(string? driver, string reason)
        {
            if (driver is not null && !string.Equals(driver, blame.Owner, StringComparison.OrdinalIgnoreCase)
                && !suspects.Exists(s => string.Equals(s.Driver, driver, StringComparison.OrdinalIgnoreCase)))
            {
                suspects.Add(new(driver, reason));
            }
        }

        if (crash.Pool is { } pool)
        {
            Add(pool.PrecedingOwner, $"it owns the block before the damaged one (0x{pool.PrecedingBlock:X}, tag '{pool.PrecedingTag}'): an overrun of that block reaches the damaged header.");
            Add(pool.BlockOwner, crash.Code == BugCheckCode.DriverPageFaultBeyondEndOfAllocation
                ? $"it owns the special pool block that was overrun (0x{pool.Block:X}, tag '{pool.BlockTag}')."
                : $"it owns the damaged block (0x{pool.Block:X}, tag '{pool.BlockTag}').");
        }

        Add(crash.Component, "the crash record names it as the faulting component.");
        for (var i = (blame.Frame ?? -1) + 1; i < stack.Count; i++)
        {
            Add(stack[i].Owner, $"its code is on the faulting stack too (frame {i:00}, {stack[i].Symbol}).");
        }

        return suspects;
    }

    /// <summary>The confidence rules of docs/analysis.md, in their order.</summary>
    private static Confidence ConfidenceOf(CrashRecord crash, BlameResult blame, bool raisedByVerifier, IReadOnlyList<Suspect> suspects, bool fromDump)
    {
        if (blame.Owner is null)
        {
            return Confidence.Uncertain;
        }

        if (raisedByVerifier)
        {
            return Confidence.Certain;
        }

        if (blame.Frame is null)
        {
            // The watchdog and the boot-start check name the driver by what they watched, on a stack of their own.
            return crash.Frames.Count > 0 && crash.Code is BugCheckCode.ThreadStuckInDeviceDriver or BugCheckCode.InaccessibleBootDevice
                ? Confidence.Likely
                : Confidence.Uncertain;
        }

        if (fromDump)
        {
            // The dump's faulting thread is chosen by a rule of thumb (DumpReader), not named by the kernel.
            return crash.Code is BugCheckCode.BadPoolHeader or BugCheckCode.DriverCorruptedExpool ? Confidence.Uncertain : Confidence.Likely;
        }

        if (crash.Code is BugCheckCode.BadPoolHeader or BugCheckCode.DriverCorruptedExpool)
        {
            return suspects.Count > 0 ? Confidence.Uncertain : Confidence.Likely;
        }

        return suspects.Count > 0 ? Confidence.Likely : Confidence.Certain;
    }
}
