using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// The remediation packages taken (DESIGN §8), the one owner of the <c>remediations</c> table: a
/// package is known by its archive's SHA-256 and never taken twice, whatever became of it.
/// </summary>
public static class Remediations
{
    /// <summary>Records <paramref name="record"/>, inside the caller's transaction when there is one.</summary>
    public static RemediationRecord Record(Hive hive, RemediationRecord record, DateTimeOffset now) => hive.Transaction(() =>
    {
        hive.Database.Execute(
            "INSERT INTO remediations (created, archive_sha256, name, source, boot, outcome, control_set, reason) VALUES ($t, $sha, $name, $source, $boot, $outcome, $set, $reason)",
            ("$t", now), ("$sha", record.ArchiveSha256), ("$name", record.Name), ("$source", record.Source), ("$boot", record.Boot),
            ("$outcome", Name(record.Outcome)), ("$set", record.ControlSet), ("$reason", record.Reason));
        var id = Convert.ToInt64(hive.Database.Scalar("SELECT last_insert_rowid()"), CultureInfo.InvariantCulture);
        RowCheck.Seal(hive.Database, Table, id);
        return record with { Id = id, Created = now };
    });

    /// <summary>Whether a package with this archive was taken before, whatever became of it (a damaged row still counts: it is not taken again).</summary>
    public static bool IsKnown(Hive hive, string archiveSha256) =>
        hive.Database.Scalar("SELECT 1 FROM remediations WHERE archive_sha256 = $sha", ("$sha", archiveSha256)) is not null;

    /// <summary>Whether safe-mode boot <paramref name="boot"/> applied a package: its end is then a reboot into the set it made, not a halt.</summary>
    public static bool AppliedDuring(Hive hive, int boot) =>
        hive.Database.Scalar("SELECT 1 FROM remediations INDEXED BY remediations_boot WHERE boot = $boot AND outcome = $applied",
            ("$boot", boot), ("$applied", Name(RemediationOutcome.Applied))) is not null;

    /// <summary>Every package taken, oldest first; the damaged rows go to <paramref name="damaged"/>.</summary>
    public static IReadOnlyList<RemediationRecord> List(Hive hive, ICollection<DamagedRow>? damaged = null)
    {
        var records = new List<RemediationRecord>();
        foreach (var row in hive.Database.Query($"{Columns} ORDER BY id", Read))
        {
            if (row.Value is { } record)
            {
                records.Add(record);
            }
            else
            {
                damaged?.Add(row.Damage!);
            }
        }

        return records;
    }

    public static string Name(RemediationOutcome outcome) => outcome switch
    {
        RemediationOutcome.Applied => "applied",
        RemediationOutcome.Unchanged => "unchanged",
        _ => "refused",
    };

    private const string Table = "remediations";

    private const string Columns = "SELECT id, created, archive_sha256, name, source, boot, outcome, control_set, reason, row_check FROM remediations";

    private static RowRead<RemediationRecord> Read(SqliteRow row) => RowCheck.Read(row, Table, r =>
        new RemediationRecord(r.GetString(3), r.GetString(2), r.GetString(4), r.GetInt32(5), Parse(r.GetString(6)), r.IsDBNull(7) ? null : r.GetInt32(7), r.GetString(8))
        {
            Id = r.GetInt64(0),
            Created = r.GetTime(1),
        });

    private static RemediationOutcome Parse(string outcome) => outcome switch
    {
        "applied" => RemediationOutcome.Applied,
        "unchanged" => RemediationOutcome.Unchanged,
        "refused" => RemediationOutcome.Refused,
        _ => throw new FormatException($"\"{outcome}\" is not a remediation outcome."),
    };
}
