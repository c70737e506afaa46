using System.Text;
using System.Text.Json;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>One kernel event as a component evaluated it, in a boot: what a content pre-flight replays.</summary>
public sealed record RecordedEvent(string Component, int Boot, DateTimeOffset Time, KernelEvent Event);

/// <summary>
/// The recorded events (DESIGN §8 pre-flight), the one owner of the <c>recorded_events</c> table:
/// the kernel records each event it hands a component (in kernel mode or in user mode) as it
/// dispatches it, by the event log's writer; the newest <see cref="RecoveryOptions.PreflightEvents"/>
/// of each component are kept, so a table of any age costs what its cap holds.
/// </summary>
public static class RecordedEvents
{
    /// <summary>Appends <paramref name="events"/> inside the caller's transaction, then drops each of their components' oldest past <paramref name="capacity"/>.</summary>
    internal static void Append(SqliteDatabase database, IReadOnlyList<RecordedEvent> events, int capacity)
    {
        foreach (var recorded in events)
        {
            database.Execute("INSERT INTO recorded_events (component, boot, time, type, fields) VALUES ($c, $boot, $t, $type, $fields)",
                ("$c", recorded.Component), ("$boot", recorded.Boot), ("$t", recorded.Time.ToUniversalTime()), ("$type", recorded.Event.Type), ("$fields", Fields(recorded.Event.Fields)));
        }

        foreach (var component in events.Select(e => e.Component).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            database.Execute(
                "DELETE FROM recorded_events WHERE component = $c AND id <= (SELECT id FROM recorded_events WHERE component = $c ORDER BY id DESC LIMIT 1 OFFSET $cap)",
                ("$c", component), ("$cap", capacity));
        }
    }

    /// <summary>The component's recorded events, oldest first; a row whose fields do not parse is left out.</summary>
    public static IReadOnlyList<RecordedEvent> Read(Hive hive, string component) =>
        [.. hive.Database.Query("SELECT component, boot, time, type, fields FROM recorded_events INDEXED BY recorded_events_component WHERE component = $c ORDER BY id",
                r => Parse(r.GetString(4)) is { } fields ? new RecordedEvent(r.GetString(0), r.GetInt32(1), r.GetTime(2), new KernelEvent(r.GetString(3), fields)) : null,
                ("$c", component))
            .OfType<RecordedEvent>()];

    /// <summary>The fields as the table keeps them: a JSON array of strings.</summary>
    private static string Fields(IReadOnlyList<string> fields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var field in fields)
            {
                json.WriteStringValue(field);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string[]? Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Array && document.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                ? [.. document.RootElement.EnumerateArray().Select(e => e.GetString()!)]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
