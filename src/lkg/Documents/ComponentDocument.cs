using LastKnownGood.Boot;

namespace LastKnownGood.Cli.Documents;

/// <summary>
/// One component of the boot <c>lkg status --json</c> shows: its name, type, state, process id
/// (null when it has none), the time it entered that state, and its restarts this boot.
/// </summary>
internal sealed record ComponentDocument(string Name, string Type, string State, int? Pid, DateTimeOffset Since, int Restarts)
{
    public static ComponentDocument From(ComponentRecord component) =>
        new(component.Name, component.Type, BootNames.Name(component.State), component.ProcessId, component.Since, component.Restarts ?? 0);
}
