using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>A component's security floor: the lowest version of its image any boot may start, with when and why it was set.</summary>
public sealed record VersionFloor(string Component, Version Version, string Why);

/// <summary>
/// Security floors (DESIGN §6 <c>MinimumVersion</c>, §10), the one owner of the
/// <c>version_floors</c> table: a write that sets <c>Services\&lt;Name&gt;\MinimumVersion</c> records
/// it here, outside the control sets, so that no fallback to an older set starts the component
/// below it (the kernel refuses its image as it refuses a bad signature). A floor only rises.
/// </summary>
public static class Floors
{
    public const string ValueName = "MinimumVersion";

    /// <summary>The floors that <paramref name="differences"/>, a write's, set, recorded inside the caller's transaction.</summary>
    public static void RecordRaised(Hive hive, IEnumerable<RegistryDifference> differences, string reason, DateTimeOffset now)
    {
        foreach (var difference in differences)
        {
            if (difference is { Name: ValueName, New: { Kind: RegistryValueKind.Sz } value } && Quarantine.ComponentOf(difference.Key) is { } component
                && difference.Key.Equals(KeyPath.Parse("Services").Child(component)) && Version.TryParse(value.AsString(), out var version))
            {
                var added = hive.Database.Execute(
                    "INSERT OR IGNORE INTO version_floors (created, component, version, reason) VALUES ($t, $c, $v, $reason)",
                    ("$t", now), ("$c", component), ("$v", version.ToString()), ("$reason", reason));
                if (added > 0)
                {
                    RowCheck.Seal(hive.Database, Table, Convert.ToInt64(hive.Database.Scalar("SELECT last_insert_rowid()"), CultureInfo.InvariantCulture));
                }
            }
        }
    }

    /// <summary>The highest floor recorded for <paramref name="component"/>; null when none is. A damaged row still holds: its version is read as it is.</summary>
    public static VersionFloor? Of(Hive hive, string component) =>
        hive.Database.Query("SELECT component, version, created, reason FROM version_floors WHERE component = $c COLLATE NOCASE", r =>
                Version.TryParse(r.GetString(1), out var version) ? new VersionFloor(r.GetString(0), version, $"set at {r.GetString(2)} by \"{r.GetString(3)}\"") : null,
                ("$c", component))
            .OfType<VersionFloor>().MaxBy(f => f.Version);

    private const string Table = "version_floors";
}
