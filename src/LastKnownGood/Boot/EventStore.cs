using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// The event log (DESIGN §3, §14 <c>lkg logs</c>): every line of every boot's kernel, drivers and
/// services, in the machine database, bounded. The newest <c>Control\EventLog\MaxEntries</c> lines
/// are kept (<see cref="DefaultCapacity"/> by default); each write drops the oldest beyond that by
/// one range of ids, so dropping costs what it drops. Lines longer than <see cref="MaxMessageLength"/>
/// are cut there. Readers read a page at a time, through the index on boot and id (docs/event-log.md).
/// </summary>
public static class EventStore
{
    /// <summary>How many lines a machine keeps unless <c>Control\EventLog\MaxEntries</c> says otherwise.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>The longest line kept, in characters; the rest of a longer one is cut, marked with an ellipsis.</summary>
    public const int MaxMessageLength = 4_000;

    /// <summary>Where the cap is set: <c>Control\EventLog</c>, value <c>MaxEntries</c> (DWORD; 0 keeps no lines).</summary>
    public static readonly KeyPath SettingsKey = KeyPath.Parse(@"Control\EventLog");

    public const string CapacityValue = "MaxEntries";

    /// <summary>The cap the control set <paramref name="controlSet"/> sets (0, before any control set: the default).</summary>
    public static int ReadCapacity(Hive hive, int controlSet) =>
        controlSet != 0 && hive.OpenKey(controlSet, SettingsKey) is { } key && key.TryGetValue(CapacityValue, out var value) && value.Kind == RegistryValueKind.Dword
            ? (int)Math.Min(value.AsDword(), int.MaxValue)
            : DefaultCapacity;

    /// <summary>Appends <paramref name="entries"/> inside the caller's transaction, then drops the oldest lines past <paramref name="capacity"/>.</summary>
    internal static void Append(SqliteDatabase database, IEnumerable<EventEntry> entries, int capacity)
    {
        foreach (var entry in entries)
        {
            database.Execute("INSERT INTO events (boot, time, component, level, message) VALUES ($boot, $time, $component, $level, $message)",
                ("$boot", entry.Boot), ("$time", entry.Time.ToUniversalTime()), ("$component", entry.Component),
                ("$level", BootNames.Name(entry.Level)), ("$message", Cut(entry.Message)));
        }

        // Ids have no gaps but at the start, so the newest `capacity` lines are the ids above MAX(id) - capacity.
        database.Execute("DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - $capacity", ("$capacity", capacity));
    }

    /// <summary>
    /// The lines after id <paramref name="after"/>, oldest first, at most <paramref name="limit"/>:
    /// of boot <paramref name="boot"/> (every boot when null), of <paramref name="component"/> (any when null).
    /// </summary>
    public static IReadOnlyList<EventEntry> ReadAfter(Hive hive, int? boot, string? component, long after, int limit) => hive.Database.Query(
        $"{Columns} WHERE {(boot is null ? "" : "boot = $boot AND ")}id > $after AND ($component IS NULL OR component = $component COLLATE NOCASE) ORDER BY {(boot is null ? "id" : "boot, id")} LIMIT $limit",
        Read, ("$boot", boot), ("$after", after), ("$component", component), ("$limit", limit));

    /// <summary>The newest <paramref name="count"/> lines of boot <paramref name="boot"/>, oldest first.</summary>
    public static IReadOnlyList<EventEntry> Newest(Hive hive, int boot, int count) =>
        [.. hive.Database.Query($"{Columns} WHERE boot = $boot ORDER BY boot DESC, id DESC LIMIT $count", Read, ("$boot", boot), ("$count", count)).AsEnumerable().Reverse()];

    /// <summary>
    /// The lines of a dead kernel's standard error that are not event log lines already (the
    /// runtime's fatal error and its stack), as the kernel's errors, inside the caller's transaction.
    /// </summary>
    internal static void AppendStandardError(SqliteDatabase database, int boot, string standardError, DateTimeOffset time, int capacity) =>
        Append(database, standardError.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !EventLine.IsLine(l))
            .Select(l => new EventEntry(boot, time, "kernel", EventLevel.Error, l)), capacity);

    private const string Columns = "SELECT id, boot, time, component, level, message FROM events";

    private static EventEntry Read(SqliteRow r) =>
        new(r.GetInt32(1), r.GetTime(2), r.GetString(3), BootNames.Parse<EventLevel>(r.GetString(4)), r.GetString(5)) { Id = r.GetInt64(0) };

    private static string Cut(string message) =>
        message.Length <= MaxMessageLength ? message : string.Create(CultureInfo.InvariantCulture, $"{message.AsSpan(0, MaxMessageLength - 1)}…");
}
