using LastKnownGood.Boot;

namespace LastKnownGood.Cli.Documents;

/// <summary>One line of <c>lkg logs --json</c>: its boot, time (UTC), component, level (<c>info</c>, <c>warning</c>, <c>error</c>) and text.</summary>
internal sealed record EventDocument(int Boot, DateTimeOffset Time, string Component, string Level, string Message)
{
    public static EventDocument From(EventEntry entry) => new(entry.Boot, entry.Time, entry.Component, BootNames.Name(entry.Level), entry.Message);
}
