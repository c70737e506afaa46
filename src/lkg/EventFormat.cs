using LastKnownGood.Boot;

namespace LastKnownGood.Cli;

/// <summary>
/// Event log lines on screen, the same for <c>lkg logs</c> and <c>lkg status</c>:
/// <c>2026-07-19 04:09:27.012Z boot 3 Sensor: text</c>, with <c>[warning]</c> or <c>[error]</c> before
/// the text of such lines, which a terminal also colours (their JSON is <see cref="Documents.EventDocument"/>).
/// </summary>
internal static class EventFormat
{
    public static string Plain(EventEntry entry) =>
        $"{entry.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff}Z boot {entry.Boot} {entry.Component}:{Level(entry.Level)} {entry.Message}";

    public static string Markup(EventEntry entry) => entry.Level switch
    {
        EventLevel.Error => $"[red]{Spectre.Console.Markup.Escape(Plain(entry))}[/]",
        EventLevel.Warning => $"[yellow]{Spectre.Console.Markup.Escape(Plain(entry))}[/]",
        _ => Spectre.Console.Markup.Escape(Plain(entry)),
    };

    private static string Level(EventLevel level) => level == EventLevel.Info ? "" : $" [{BootNames.Name(level)}]";
}
