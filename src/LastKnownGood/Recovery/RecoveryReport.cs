using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// The report every fallback leaves (DESIGN §8, "why was I rolled back?"): the boot that fell
/// back (<see cref="Boot"/>, filled in when it is recorded), its mode and set and why; the boots
/// that failed before it, and how; the crash's failure bucket and the component blamed; the change
/// blamed, in the words of <c>lkg controlset diff</c>; what was kept; and what was quarantined.
/// Written once, with the fallback boot, by <see cref="RecoveryLog"/>.
/// </summary>
public sealed record RecoveryReport(string Policy, string Mode, int ControlSet, string Reason, IReadOnlyList<FailedBoot> FailedBoots)
{
    public int Boot { get; init; }

    public long? Crash { get; init; }

    public string? Bucket { get; init; }

    public string? Blamed { get; init; }

    public IReadOnlyList<string> Changes { get; init; } = [];

    public IReadOnlyList<string> Kept { get; init; } = [];

    public IReadOnlyList<QuarantineEntry> Quarantined { get; init; } = [];

    /// <summary>The bisection this boot is part of (a trial, or the end that reverts the culprit); null for any other fallback.</summary>
    public Bisection? Bisection { get; init; }

    /// <summary>The report in lines, for a person.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> Lines =>
    [
        .. FailedBoots.Select(f => $"boot {f.Number} on {ControlSetInfo.FormatName(f.ControlSet)}: {f.Outcome}, {f.BugCheck?.ToString() ?? f.How}"),
        $"boot {Boot}: {Mode} on {ControlSetInfo.FormatName(ControlSet)}, because {Reason}",
        .. Bisection is not { } b ? [] : new[] { $"bisection of {b.Units} change{(b.Units == 1 ? "" : "s")} of {ControlSetInfo.FormatName(b.Failed)}: 1..{b.Good} good, 1..{b.Bad} bad, {b.Trials} trial boot{(b.Trials == 1 ? "" : "s")}" },
        .. Blamed is null ? [] : new[] { $"blamed: {Blamed}" + (Bucket is null ? "" : $" ({Bucket})") },
        .. Changes.Select(c => $"blamed change: {c}"),
        .. Kept.Select(k => $"kept: {k}"),
        .. Quarantined.Select(q => $"quarantined: {q.Component} {q.Name} ({q.Identity})"),
    ];
}

/// <summary>A boot that failed before a fallback: how it ended, and its bug check when it had one.</summary>
public sealed record FailedBoot(int Number, int ControlSet, string Outcome, string? How, Diagnostics.BugCheckSummary? BugCheck);
