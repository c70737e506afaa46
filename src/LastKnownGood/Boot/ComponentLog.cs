using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// Each component's state in the newest <see cref="BootsKept"/> boots, as their kernels last
/// reported it (<c>lkg status</c>), in the event log's part of the machine database. A boot's
/// rows are in the order its components were first reported, which is their start order.
/// </summary>
public static class ComponentLog
{
    /// <summary>How many boots' component states are kept; older ones are dropped when a boot begins.</summary>
    public const int BootsKept = 100;

    /// <summary>The most components of one boot that a read returns, so <c>lkg status</c> stays one bounded read.</summary>
    public const int MaxRead = 500;

    /// <summary>Records <paramref name="component"/>'s state inside the caller's transaction: its first report adds it at the end of its boot's order.</summary>
    internal static void Report(SqliteDatabase database, ComponentRecord component) => database.Execute(
        """
        INSERT INTO components (boot, name, ordinal, type, state, pid, since, restarts)
        VALUES ($boot, $name, (SELECT COUNT(*) FROM components WHERE boot = $boot), $type, $state, $pid, $since, COALESCE($restarts, 0))
        ON CONFLICT (boot, name) DO UPDATE SET type = excluded.type, state = excluded.state, pid = excluded.pid, since = excluded.since, restarts = COALESCE($restarts, restarts)
        """,
        ("$boot", component.Boot), ("$name", component.Name), ("$type", component.Type), ("$state", BootNames.Name(component.State)),
        ("$pid", component.ProcessId), ("$since", component.Since.ToUniversalTime()), ("$restarts", component.Restarts));

    /// <summary>A boot begins: the states of the boots more than <see cref="BootsKept"/> before it go, by one range of the key; returns how many rows went.</summary>
    internal static int DropBefore(SqliteDatabase database, int boot) =>
        database.Execute("DELETE FROM components WHERE boot <= $last", ("$last", boot - BootsKept));

    /// <summary>
    /// A boot has ended, inside the caller's transaction: what its kernel left starting, running or
    /// restarting is stopped with it (a kernel that died could not say so itself).
    /// </summary>
    internal static void EndBoot(SqliteDatabase database, int boot, DateTimeOffset time) => database.Execute(
        "UPDATE components SET state = $stopped, pid = NULL, since = $time WHERE boot = $boot AND state IN ($starting, $running, $restarting)",
        ("$boot", boot), ("$time", time.ToUniversalTime()), ("$stopped", BootNames.Name(ComponentState.Stopped)),
        ("$starting", BootNames.Name(ComponentState.Starting)), ("$running", BootNames.Name(ComponentState.Running)), ("$restarting", BootNames.Name(ComponentState.Restarting)));

    /// <summary>Boot <paramref name="boot"/>'s components in start order, at most <see cref="MaxRead"/>.</summary>
    public static IReadOnlyList<ComponentRecord> ForBoot(Hive hive, int boot) => hive.Database.Query(
        "SELECT boot, name, type, state, pid, since, restarts FROM components WHERE boot = $boot ORDER BY ordinal LIMIT $max",
        r => new ComponentRecord(r.GetInt32(0), r.GetString(1), r.GetString(2), BootNames.Parse<ComponentState>(r.GetString(3)),
            r.IsDBNull(4) ? null : r.GetInt32(4), r.GetTime(5), r.GetInt32(6)),
        ("$boot", boot), ("$max", MaxRead));
}
