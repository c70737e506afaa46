using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// Reading the history. Nothing on the boot path reads all of it: the decision reads the newest boot
/// and the boots it counts since the last accepted one, <c>lkg status</c> the newest boot and the
/// newest fallback, <c>lkg history</c> the boots it shows, a page at a time (docs/boot.md).
/// </summary>
public static partial class BootLog
{
    /// <summary>
    /// What the recovery decision reads, newest first: the newest boot that verifies, then, of the
    /// boots before it, the failed ones back to the newest accepted or safe-mode boot
    /// (<see cref="ClassicRecovery.FailedBootsSince"/>). The boots it leaves out cannot change the
    /// decision, so it decides as it would on the whole history, and its cost does not grow with it.
    /// </summary>
    public static IReadOnlyList<BootRecord> ReadForDecision(Hive hive) =>
        Newest(hive) is { } newest ? [newest, .. ClassicRecovery.FailedBootsSince(CountedBefore(hive, newest.Number))] : [];

    /// <summary>The newest boot that verifies; the damaged rows newer than it go to <paramref name="damaged"/>.</summary>
    public static BootRecord? Newest(Hive hive, ICollection<DamagedRow>? damaged = null) =>
        NewestFirst(hive, "", damaged).FirstOrDefault();

    /// <summary>The newest boot not in normal mode (Last Known Good or safe mode) that verifies: the newest fallback.</summary>
    public static BootRecord? NewestFallback(Hive hive, ICollection<DamagedRow>? damaged = null) =>
        NewestFirst(hive, "INDEXED BY boots_fallbacks WHERE mode <> 'normal'", damaged).FirstOrDefault();

    /// <summary>
    /// The boots before <paramref name="number"/> that the recovery decision counts, newest first,
    /// read as they are enumerated: the failed, accepted and safe-mode ones (a boot that neither
    /// failed nor ended the run of failures, such as a clean shutdown, cannot change the decision).
    /// </summary>
    public static IEnumerable<BootRecord> CountedBefore(Hive hive, int number, ICollection<DamagedRow>? damaged = null) =>
        NewestFirst(hive, $"INDEXED BY boots_counted WHERE number < $n AND ({Counted})", damaged, ("$n", number));

    /// <summary>
    /// The boots numbered <paramref name="first"/> to <paramref name="last"/> that started at or after
    /// <paramref name="since"/>, oldest first, those that verify and those set aside as damaged. They
    /// are read a page at a time, so memory stays bounded and no read stays open while the caller
    /// writes a page out; each page is enumerated before the next is read.
    /// </summary>
    public static IEnumerable<IReadOnlyList<RowRead<BootRecord>>> ReadPages(Hive hive, int first, int last, DateTimeOffset? since = null)
    {
        for (var from = first; from <= last;)
        {
            var page = hive.Database.Query(
                $"{Columns} WHERE number BETWEEN $from AND $last AND ($since IS NULL OR julianday(started) >= julianday($since)) ORDER BY number LIMIT {PageSize}",
                Read, ("$from", from), ("$last", last), ("$since", since?.ToUniversalTime()));
            if (page.Count > 0)
            {
                yield return page;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            from = Number(page[^1]) + 1;
        }
    }

    /// <summary>The number of a boot's row, whether it verified or was set aside as damaged.</summary>
    public static int Number(RowRead<BootRecord> row) => row.Value?.Number ?? checked((int)row.Damage!.Id);

    /// <summary>The number of the newest boot, damaged or not; 0 before the first boot.</summary>
    public static int NewestNumber(Hive hive) => Convert.ToInt32(hive.Database.Scalar("SELECT COALESCE(MAX(number), 0) FROM boots"), CultureInfo.InvariantCulture);

    /// <summary>The number of the oldest of the newest <paramref name="count"/> boots; 0 before the first boot.</summary>
    public static int FirstOfNewest(Hive hive, int count) => Convert.ToInt32(
        hive.Database.Scalar("SELECT COALESCE(MIN(number), 0) FROM (SELECT number FROM boots ORDER BY number DESC LIMIT $count)", ("$count", count)),
        CultureInfo.InvariantCulture);

    /// <summary>Every boot that verifies, oldest first. It reads the whole history: the boot manager and the commands read only what they need.</summary>
    public static IReadOnlyList<BootRecord> List(Hive hive) => ReadAll(hive).Boots;

    /// <summary>Every boot, oldest first: those that verify, and those set aside as damaged.</summary>
    public static (IReadOnlyList<BootRecord> Boots, IReadOnlyList<DamagedRow> Damaged) ReadAll(Hive hive)
    {
        var rows = ReadPages(hive, 1, int.MaxValue).SelectMany(page => page).ToList();
        return ([.. rows.Select(r => r.Value).OfType<BootRecord>()], [.. rows.Select(r => r.Damage).OfType<DamagedRow>()]);
    }

    /// <summary>Boot <paramref name="number"/>; a damaged record throws <see cref="HiveCorruptException"/> saying so.</summary>
    public static BootRecord Get(Hive hive, int number) =>
        hive.Database.Query($"{Columns} WHERE number = $n", Read, ("$n", number)).Single() switch
        {
            { Value: { } boot } => boot,
            var damaged => throw new HiveCorruptException($"{damaged.Damage}; run lkg history to see the boots that verify."),
        };

    /// <summary>
    /// The boot that has not ended, if any: the running one, or one its boot manager left behind. Only
    /// the newest boot can be one, because a boot begins only after the one before it has ended or been
    /// closed as left behind; so this is the newest boot that verifies, when it has not ended.
    /// </summary>
    public static BootRecord? FindRunning(Hive hive) => Newest(hive) is { Ended: null } running ? running : null;

    private const int PageSize = 100;

    /// <summary>The condition of the index <c>boots_counted</c> (<c>Schema/boots.sql</c>), word for word: SQLite uses a partial index only for a query that states its condition.</summary>
    private const string Counted =
        "accepted IS NOT NULL OR mode IN ('safe-minimal', 'safe-network') OR outcome IN ('bugcheck', 'start-failure', 'killed')";

    private const string Columns =
        "SELECT number, control_set, mode, started, outcome, kernel_pid, ready, accepted, ended, request, asked_for_lkg, crash, reason, end_reason, row_check FROM boots";

    private static RowRead<BootRecord> Read(SqliteRow row) => RowCheck.Read(row, Table, Parse);

    /// <summary>The boots that verify of <c>{Columns} <paramref name="where"/></c>, newest first, read as they are enumerated; the damaged rows met go to <paramref name="damaged"/>.</summary>
    private static IEnumerable<BootRecord> NewestFirst(Hive hive, string where, ICollection<DamagedRow>? damaged, params (string, object?)[] parameters)
    {
        foreach (var row in hive.Database.Stream($"{Columns} {where} ORDER BY number DESC", Read, parameters))
        {
            if (row.Value is { } boot)
            {
                yield return boot;
            }
            else
            {
                damaged?.Add(row.Damage!);
            }
        }
    }

    private static BootRecord Parse(SqliteRow r) => new(r.GetInt32(0), r.GetInt32(1), BootNames.Parse<BootMode>(r.GetString(2)), r.GetTime(3))
    {
        Outcome = BootNames.Parse<BootOutcome>(r.GetString(4)),
        KernelProcessId = r.IsDBNull(5) ? null : r.GetInt32(5),
        Ready = r.IsDBNull(6) ? null : r.GetTime(6),
        Accepted = r.IsDBNull(7) ? null : r.GetTime(7),
        Ended = r.IsDBNull(8) ? null : r.GetTime(8),
        Request = r.IsDBNull(9) ? null : BootNames.Parse<BootRequest>(r.GetString(9)),
        AskedForLastKnownGood = r.GetBoolean(10),
        CrashId = r.IsDBNull(11) ? null : r.GetInt64(11),
        Reason = r.GetString(12),
        EndReason = r.IsDBNull(13) ? null : r.GetString(13),
    };
}
