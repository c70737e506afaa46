using LastKnownGood.Registry;

namespace LastKnownGood.Cli.Documents;

/// <summary>The report of DESIGN §8 for a fallback (a Last Known Good or safe-mode boot): which boots failed before it, and how.</summary>
internal sealed record RecoveryReport(int Boot, string Mode, int ControlSet, string Reason, IReadOnlyList<FailedBoot> FailedBoots)
{
    public string Summary => string.Join('\n', FailedBoots.Select(f => $"boot {f.Number} on {ControlSetInfo.FormatName(f.ControlSet)}: {f.Outcome}, {f.BugCheck ?? f.How}")
        .Append($"boot {Boot}: {Mode} on {ControlSetInfo.FormatName(ControlSet)}, because {Reason}"));
}

/// <summary>A boot that failed before a fallback: how it ended, and its bug check in words when it had one.</summary>
internal sealed record FailedBoot(int Number, int ControlSet, string Outcome, string? How, string? BugCheck);
