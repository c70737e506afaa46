namespace LastKnownGood.Cli.Documents;

/// <summary>
/// One machine of <c>lkg demo crowdstrike</c> (DESIGN §14), read from its machine database once
/// the run is over: the failed boots after the bad channel file arrived, the steps a person took,
/// whether the machine went down, whether it came back to an accepted boot without the bad file,
/// how long that took from the file's arrival, the component the analysis blamed, what was
/// quarantined, and the timeline.
/// </summary>
internal sealed record CrowdStrikeRun(
    int FailedBoots,
    int ManualSteps,
    bool MachineDown,
    bool Recovered,
    double Seconds,
    string? Blamed,
    IReadOnlyList<string> Quarantined,
    IReadOnlyList<TimelineEntry> Timeline);

/// <summary>A moment of a demo machine's run: seconds since the bad file arrived (negative before), and what happened.</summary>
internal sealed record TimelineEntry(double Seconds, string What);
