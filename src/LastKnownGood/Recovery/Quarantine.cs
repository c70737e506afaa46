using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// The quarantine (DESIGN §8), the one owner of its table: culprits recorded outside the control
/// sets by a fallback, a pre-flight or a user-mode driver disabled after repeated crashes, so that
/// no rollback brings them back. <see cref="GuardedWrite"/> is the write path that refuses them.
/// </summary>
public static class Quarantine
{
    /// <summary>Records <paramref name="entry"/>, inside the caller's transaction when there is one; one already held is not recorded twice.</summary>
    public static QuarantineEntry Add(Hive hive, QuarantineEntry entry, DateTimeOffset now) => hive.Transaction(() =>
    {
        if (Held(hive, entry.Component).FirstOrDefault(e => e.Identity == entry.Identity && (e.Kind == "content" || e.Key.Equals(entry.Key, StringComparison.OrdinalIgnoreCase))) is { } held)
        {
            return held;
        }

        hive.Database.Execute(
            "INSERT INTO quarantine (created, component, kind, key, name, identity, crash, boot, reason) VALUES ($t, $c, $k, $key, $name, $id, $crash, $boot, $reason)",
            ("$t", now), ("$c", entry.Component), ("$k", entry.Kind), ("$key", entry.Key), ("$name", entry.Name), ("$id", entry.Identity),
            ("$crash", entry.Crash), ("$boot", entry.Boot), ("$reason", entry.Reason));
        var id = Convert.ToInt64(hive.Database.Scalar("SELECT last_insert_rowid()"), System.Globalization.CultureInfo.InvariantCulture);
        RowCheck.Seal(hive.Database, Table, id);
        return entry with { Id = id, Created = now };
    });

    /// <summary>Every entry, held or released, oldest first; the damaged rows go to <paramref name="damaged"/>.</summary>
    public static IReadOnlyList<QuarantineEntry> List(Hive hive, ICollection<DamagedRow>? damaged = null) =>
        Verified(hive.Database.Query($"{Columns} ORDER BY id", Read), damaged);

    /// <summary>The entries held against <paramref name="component"/>.</summary>
    public static IReadOnlyList<QuarantineEntry> Held(Hive hive, string component) =>
        Verified(hive.Database.Query($"{Columns} INDEXED BY quarantine_held WHERE released IS NULL AND component = $c COLLATE NOCASE ORDER BY id", Read, ("$c", component)), null);

    /// <summary>Lets entry <paramref name="id"/> be written again; returns it as released.</summary>
    public static QuarantineEntry Release(Hive hive, long id, DateTimeOffset now) => hive.Transaction(() =>
    {
        var entry = List(hive).FirstOrDefault(e => e.Id == id)
            ?? throw new LkgException(NtStatus.ObjectNameNotFound, $"No quarantine entry has the id {id}; list them with lkg quarantine list.");
        if (entry.Released is not null)
        {
            throw new LkgException(NtStatus.InvalidDeviceState, $"Quarantine entry {id} was released already, at {entry.Released:u}.");
        }

        RowCheck.Update(hive.Database, Table, id, "UPDATE quarantine SET released = $t WHERE id = $id", ("$id", id), ("$t", now));
        return entry with { Released = now };
    });

    /// <summary>
    /// What a user-mode driver disabled after repeated crashes does with its content (DESIGN §10):
    /// its newest content, the content files that the newest change to its <c>Content</c> key in
    /// the ancestry of the set it ran on added or replaced, is quarantined and put back as that
    /// change's parent had it, in a new <c>Default</c> whose reason names it, in one transaction;
    /// the running boot goes on as it is. The ancestry, not Last Known Good, tells what is newest:
    /// a boot may have been accepted before the driver's crashes began. Nothing is quarantined when
    /// no set that is kept changed the component's content.
    /// </summary>
    public static IReadOnlyList<QuarantineEntry> HoldNewestContent(Hive hive, string component, int ranOn, int? boot, string reason, string author, DateTimeOffset now) => hive.Transaction(() =>
    {
        var content = KeyPath.Parse($@"Services\{component}\Content");
        for (var set = hive.FindControlSet(ranOn); set?.Parent is { } parent && hive.FindControlSet(parent) is { } older; set = older)
        {
            var newer = hive.Diff(older.Id, set.Id).Where(d => d is { Name: not null, New.Kind: RegistryValueKind.File } && d.Key.Equals(content)).ToList();
            if (newer.Count == 0)
            {
                continue;
            }

            var held = newer.Select(d => Add(hive, new QuarantineEntry(component, d.Key.ToString(), d.Name!, QuarantineEntry.IdentityOf(d.New!), reason) { Boot = boot }, now)).ToList();
            hive.Write(author, $"revert {component}'s {string.Join(", ", newer.Select(d => d.Name))}: quarantined ({reason})", editor =>
            {
                foreach (var d in newer)
                {
                    if (d.Old is { } old)
                    {
                        editor.SetValue(d.Key, d.Name!, old);
                    }
                    else
                    {
                        editor.DeleteValue(d.Key, d.Name!);
                    }
                }
            });
            return (IReadOnlyList<QuarantineEntry>)held;
        }

        return [];
    });

    /// <summary>Refuses <paramref name="difference"/> when what it writes is a held culprit: the sentence names it, why it is held, and the crash that convicted it.</summary>
    public static void Check(Hive hive, RegistryDifference difference)
    {
        if (difference is { New: { } value, Name: { } name })
        {
            Check(hive, difference.Key, name, value);
        }
    }

    /// <summary>Refuses writing <paramref name="value"/> as <paramref name="name"/> in <paramref name="key"/> when it is a held culprit.</summary>
    public static void Check(Hive hive, KeyPath key, string name, RegistryValue value)
    {
        if (ComponentOf(key) is { } component && Held(hive, component).FirstOrDefault(e => e.Matches(component, key, name, value)) is { } culprit)
        {
            throw new LkgException(NtStatus.AccessDenied, Refusal(culprit));
        }
    }

    /// <summary>The sentence that refuses a held culprit.</summary>
    public static string Refusal(QuarantineEntry culprit) =>
        (culprit.Kind == "content" ? $"{culprit.Component}'s {culprit.Name} ({culprit.Identity[..Math.Min(culprit.Identity.Length, 19)]}…)" : $@"{culprit.Key}\{culprit.Name} with this value")
        + $" is quarantined (entry {culprit.Id}"
        + (culprit.Crash is { } crash ? $", crash {crash}" : "") + $"): {culprit.Reason}; " + Remedy(culprit, "write");

    /// <summary>What a refused write can do about <paramref name="culprit"/>: the end of every refusal's sentence.</summary>
    public static string Remedy(QuarantineEntry culprit, string verb) =>
        $"give --force to {verb} it all the same, or release it with lkg quarantine release {culprit.Id}.";

    /// <summary>The component whose <c>Services\&lt;Name&gt;</c> subtree holds <paramref name="key"/>, if any.</summary>
    public static string? ComponentOf(KeyPath key) =>
        key.Segments is [var services, var component, ..] && string.Equals(services, "Services", StringComparison.OrdinalIgnoreCase) ? component : null;

    private const string Table = "quarantine";

    private const string Columns = "SELECT id, created, component, kind, key, name, identity, crash, boot, reason, released, row_check FROM quarantine";

    private static RowRead<QuarantineEntry> Read(SqliteRow row) => RowCheck.Read(row, Table, r =>
        new QuarantineEntry(r.GetString(2), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(9))
        {
            Id = r.GetInt64(0),
            Created = r.GetTime(1),
            Crash = r.IsDBNull(7) ? null : r.GetInt64(7),
            Boot = r.IsDBNull(8) ? null : r.GetInt32(8),
            Released = r.IsDBNull(10) ? null : r.GetTime(10),
        });

    private static IReadOnlyList<QuarantineEntry> Verified(IEnumerable<RowRead<QuarantineEntry>> rows, ICollection<DamagedRow>? damaged)
    {
        var entries = new List<QuarantineEntry>();
        foreach (var row in rows)
        {
            if (row.Value is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                damaged?.Add(row.Damage!);
            }
        }

        return entries;
    }
}
