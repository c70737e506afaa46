using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// The machine's boot history, kept in the hive file beside the registry. Each step of a boot
/// is one transaction, and a boot's start and its <c>Select</c> transition share one, so a
/// boot manager killed at any instant leaves either both or neither.
/// </summary>
public static partial class BootLog
{
    /// <summary>
    /// Records a new boot of <paramref name="plan"/> and makes its set <c>Current</c> (DESIGN §7's
    /// table; a trial boot's set is the plan's, and <c>Default</c> stays), with the plan's recovery
    /// report and quarantine, in one transaction. A plan that derives its set
    /// (<see cref="BootPlan.Derive"/>) writes it in the same transaction: a trial's set, or a
    /// normal boot's new <c>Default</c>.
    /// </summary>
    public static BootRecord Begin(Hive hive, BootPlan plan, DateTimeOffset now) => hive.Transaction(() =>
    {
        var record = default(BootRecord);
        var derived = plan.Derive is { } derive
            ? hive.Derive(derive.Base, "boot manager", derive.Reason, editor => ChangeUnit.Apply(editor, derive.Units)).ControlSet
            : (int?)null;
        hive.UpdateSelect(
            select => plan.Mode switch
            {
                BootMode.LastKnownGood => select with { Current = select.LastKnownGood, Default = select.LastKnownGood, Failed = select.Current },
                BootMode.Trial => select with { Current = derived ?? throw new ArgumentException("A trial boot derives its control set.", nameof(plan)) },
                _ when derived is { } set => select with { Current = set, Default = set },
                _ => select with { Current = select.Default },
            },
            select =>
            {
                var number = Convert.ToInt32(hive.Database.Scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM boots"), CultureInfo.InvariantCulture);
                record = new BootRecord(number, select.Current, plan.Mode, now) { Reason = plan.Reason };
                hive.Database.Execute(
                    "INSERT INTO boots (number, control_set, mode, started, outcome, reason) VALUES ($n, $set, $mode, $started, $outcome, $reason)",
                    ("$n", number), ("$set", select.Current), ("$mode", BootNames.Name(plan.Mode)), ("$started", now),
                    ("$outcome", BootNames.Name(BootOutcome.Running)), ("$reason", plan.Reason));
                RowCheck.Seal(hive.Database, Table, number);
                if (plan.Recovery is { } report)
                {
                    RecoveryLog.Record(hive, number, report with { ControlSet = select.Current }, now);
                }
            });
        return record!;
    });

    /// <summary>
    /// The running boot goes on on <paramref name="set"/>, a tentative set derived from its own
    /// (DESIGN §7: a change applied to the running boot makes it <c>Current</c> and <c>Default</c>):
    /// the boot's record names it, so a failure from here on is a failure of that set, in one transaction.
    /// The set was never accepted, so neither is the boot any more: a boot already up counts as ready
    /// from <paramref name="now"/>, and is accepted again once that set has run healthy for <c>AcceptAfter</c>.
    /// </summary>
    public static void RunOn(Hive hive, int number, int set, DateTimeOffset now) => hive.UpdateSelect(
        select => select with { Current = set, Default = set },
        _ => Update(hive, number, "UPDATE boots SET control_set = $set, accepted = NULL, ready = CASE WHEN ready IS NULL THEN NULL ELSE $t END WHERE number = $n AND ended IS NULL",
            ("$n", number), ("$set", set), ("$t", now)));

    public static void SetKernel(Hive hive, int number, int processId) => hive.Database.Write(() =>
        Update(hive, number, "UPDATE boots SET kernel_pid = $pid WHERE number = $n", ("$n", number), ("$pid", processId)));

    /// <summary>The kernel says every component has started.</summary>
    public static void MarkReady(Hive hive, int number, DateTimeOffset now) => hive.Database.Write(() =>
        Update(hive, number, "UPDATE boots SET ready = $t WHERE number = $n AND ready IS NULL", ("$n", number), ("$t", now)));

    /// <summary>Files <paramref name="request"/> against the running boot, for its boot manager to act on; returns the boot as it now stands.</summary>
    public static BootRecord Request(Hive hive, BootRequest request) => hive.Database.Write(() =>
    {
        var running = FindRunning(hive) ?? throw new LkgException(NtStatus.InvalidDeviceState,
            $"No boot is running on the machine at {Path.GetDirectoryName(hive.Path)}; start one with lkg boot.");
        // boot-bad wins, then shutdown: a boot-ok filed after boot-bad does not turn a rejected boot into
        // Last Known Good, nor does one filed after a shutdown take the shutdown back.
        Update(hive, running.Number,
            "UPDATE boots SET request = $r WHERE number = $n AND (request IS NULL OR request = $r OR $r = $bad OR request = $ok)",
            ("$n", running.Number), ("$r", BootNames.Name(request)), ("$bad", BootNames.Name(BootRequest.Bad)), ("$ok", BootNames.Name(BootRequest.Ok)));
        return Get(hive, running.Number);
    });

    /// <summary>
    /// Accepts a running boot: <c>LastKnownGood := Current</c>, in one transaction. False when it
    /// had already ended or been accepted, or when <c>lkg boot-bad</c> has been filed against it.
    /// </summary>
    public static bool Accept(Hive hive, int number, DateTimeOffset now)
    {
        var accepted = false;
        hive.UpdateSelect(
            select =>
            {
                accepted = Get(hive, number) is { Accepted: null, Ended: null, Request: not BootRequest.Bad };
                return accepted ? select with { LastKnownGood = select.Current } : select;
            },
            _ =>
            {
                if (accepted)
                {
                    // The boot-ok is spent; a shutdown filed meanwhile is not.
                    Update(hive, number, "UPDATE boots SET accepted = $t, outcome = $o, request = NULLIF(request, $ok) WHERE number = $n",
                        ("$n", number), ("$t", now), ("$o", BootNames.Name(BootOutcome.Accepted)), ("$ok", BootNames.Name(BootRequest.Ok)));
                }
            });
        return accepted;
    }

    /// <summary>
    /// Records how a boot ended, with the crash record the boot manager wrote for a kernel that
    /// died without one, in one transaction. An accepted boot that shuts down stays accepted.
    /// Ending a boot twice changes nothing. Its components that were still up are stopped with it,
    /// and a crash record's standard error lines that the event log lacks go into it (<see cref="EventStore"/>).
    /// </summary>
    public static BootRecord End(Hive hive, int number, BootOutcome outcome, string reason, bool askedForLastKnownGood, CrashRecord? crash, DateTimeOffset now)
    {
        hive.Database.Write(() =>
        {
            var crashId = crash is null
                ? hive.Database.Scalar("SELECT MAX(id) FROM crashes WHERE boot = $n", ("$n", number))
                : CrashLog.Insert(hive.Database, crash);
            if (Get(hive, number) is { Ended: null } ending)
            {
                ComponentLog.EndBoot(hive.Database, number, now);
                if (crash is not null)
                {
                    EventStore.AppendStandardError(hive.Database, number, crash.Stack, now, EventStore.ReadCapacity(hive, ending.ControlSet));
                }
            }

            return Update(hive, number,
                """
                UPDATE boots SET outcome = CASE WHEN accepted IS NOT NULL AND $o = 'shutdown' THEN outcome ELSE $o END,
                    ended = $t, asked_for_lkg = $lkg, crash = $crash, end_reason = $reason, kernel_pid = NULL
                WHERE number = $n AND ended IS NULL
                """,
                ("$n", number), ("$o", BootNames.Name(outcome)), ("$t", now), ("$lkg", askedForLastKnownGood), ("$crash", crashId), ("$reason", reason));
        });
        return Get(hive, number);
    }

    /// <summary>
    /// The <c>NtDisableLastKnownGood</c> analogue: while disabled, no boot is accepted
    /// automatically (an explicit boot-ok still accepts). The setting is the machine's, outside
    /// the control sets, and lasts until enabled again.
    /// </summary>
    public static void SetLastKnownGoodEnabled(Hive hive, bool enabled) => hive.Database.Write(() => hive.Database.Execute(enabled
        ? "DELETE FROM meta WHERE key = 'last_known_good_disabled'"
        : "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_known_good_disabled', '1')"));

    public static bool IsLastKnownGoodEnabled(Hive hive) =>
        hive.Database.Scalar("SELECT value FROM meta WHERE key = 'last_known_good_disabled'") is null;

    private const string Table = "boots";

    /// <summary>Changes boot <paramref name="number"/> inside the caller's transaction, verified before and sealed after.</summary>
    private static int Update(Hive hive, int number, string sql, params (string, object?)[] parameters) =>
        RowCheck.Update(hive.Database, Table, number, sql, parameters);
}
