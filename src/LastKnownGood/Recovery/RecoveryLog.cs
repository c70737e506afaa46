using System.Text.Json;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>The fallbacks' reports (DESIGN §8), the one owner of the <c>recoveries</c> table.</summary>
public static class RecoveryLog
{
    /// <summary>
    /// Records the report of fallback boot <paramref name="boot"/> and quarantines its culprits, in the
    /// caller's transaction (the boot's start): the report keeps the entries as recorded, with their ids.
    /// </summary>
    public static RecoveryReport Record(Hive hive, int boot, RecoveryReport report, DateTimeOffset now) => hive.Transaction(() =>
    {
        var recorded = report with
        {
            Boot = boot,
            Quarantined = [.. report.Quarantined.Select(q => Quarantine.Add(hive, q with { Boot = q.Boot ?? boot }, now))],
        };
        hive.Database.Execute("INSERT INTO recoveries (boot, created, report) VALUES ($boot, $t, $report)",
            ("$boot", boot), ("$t", now), ("$report", JsonSerializer.Serialize(recorded, RecoveryJson.Default.RecoveryReport)));
        RowCheck.Seal(hive.Database, Table, Convert.ToInt64(hive.Database.Scalar("SELECT last_insert_rowid()"), System.Globalization.CultureInfo.InvariantCulture));
        return recorded;
    });

    /// <summary>The newest report that verifies; damaged rows newer than it go to <paramref name="damaged"/>.</summary>
    public static RecoveryReport? Newest(Hive hive, ICollection<DamagedRow>? damaged = null)
    {
        foreach (var row in hive.Database.Stream($"{Columns} ORDER BY id DESC", Read))
        {
            if (row.Value is { } report)
            {
                return report;
            }

            damaged?.Add(row.Damage!);
        }

        return null;
    }

    /// <summary>The reports of the fallback boots numbered <paramref name="first"/> to <paramref name="last"/>, by boot: those that verify, and those set aside as damaged.</summary>
    public static IReadOnlyList<RowRead<RecoveryReport>> ReadForBoots(Hive hive, int first, int last) =>
        hive.Database.Query($"{Columns} WHERE boot BETWEEN $first AND $last ORDER BY boot", Read, ("$first", first), ("$last", last));

    private const string Table = "recoveries";

    private const string Columns = "SELECT id, boot, created, report, row_check FROM recoveries";

    private static RowRead<RecoveryReport> Read(SqliteRow row) =>
        RowCheck.Read(row, Table, r => JsonSerializer.Deserialize(r.GetString(3), RecoveryJson.Default.RecoveryReport)!);
}
