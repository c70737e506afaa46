using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Recovery;
using LastKnownGood.Registry.Internal;

namespace LastKnownGood.Registry;

public sealed partial class Hive
{
    /// <summary>
    /// Derives a new control set from <c>Default</c> with <paramref name="edit"/>'s changes and
    /// makes it <c>Default</c>, in one transaction. A write that changes nothing creates no set.
    /// Before the first set exists, the write derives from an empty registry.
    /// </summary>
    public WriteResult Write(string author, string reason, Action<ControlSetEditor> edit) => InTransaction(() =>
    {
        var select = ReadSelect();
        var written = Derive(select.Default, author, reason, edit);
        if (written.Changed)
        {
            StoreSelect(select with { Default = written.ControlSet });
        }

        return written;
    });

    /// <summary>
    /// Derives a new control set from <paramref name="baseSet"/> (0: an empty registry) with
    /// <paramref name="edit"/>'s changes, leaving <c>Select</c> alone: the sets of trial boots and
    /// of a bisection's end state. An edit that changes nothing returns the base.
    /// </summary>
    public WriteResult Derive(int baseSet, string author, string reason, Action<ControlSetEditor> edit) => InTransaction(() =>
    {
        var parent = baseSet == 0 ? null : GetControlSet(baseSet);
        var root = parent is null ? new MutableKey(KeyNode.Empty, null) : new MutableKey(_nodes.Load(parent.Root), parent.Root);
        var editor = new ControlSetEditor(_nodes, _blobs, root);
        edit(editor);
        var hash = editor.Freeze();
        if (parent is not null && hash == parent.Root)
        {
            return new WriteResult(parent.Id, Changed: false);
        }

        var id = NextControlSetId();
        _database.Execute(
            """
            INSERT INTO control_sets (id, root, parent, seq, created, author, reason)
            VALUES ($id, $root, $parent, (SELECT COALESCE(MAX(seq), 0) + 1 FROM control_sets), $created, $author, $reason)
            """,
            ("$id", id), ("$root", hash.ToArray()), ("$parent", parent?.Id), ("$created", _time.GetUtcNow()), ("$author", author), ("$reason", reason));
        RowCheck.Seal(_database, ControlSetTable, id);
        return new WriteResult(id, Changed: true);
    });

    /// <summary>Applies a <c>Select</c> transition in one transaction; every set it names must exist.</summary>
    public Select UpdateSelect(Func<Select, Select> transition) => UpdateSelect(transition, _ => { });

    /// <summary>Applies a <c>Select</c> transition and writes <paramref name="alongside"/>'s records in the same transaction.</summary>
    internal Select UpdateSelect(Func<Select, Select> transition, Action<Select> alongside) => InTransaction(() =>
    {
        var select = transition(ReadSelect());
        foreach (var id in select.Named)
        {
            GetControlSet(id);
        }

        StoreSelect(select);
        alongside(select);
        return select;
    });

    /// <summary>Records that this hive was restored from its backup, and what was lost.</summary>
    public void RecordRecovery(HiveRecovery recovery) => InTransaction(() => _database.Execute(
        "INSERT INTO hive_recoveries (time, reason, lost) VALUES ($time, $reason, $lost)",
        ("$time", recovery.Time), ("$reason", recovery.Reason), ("$lost", string.Join('\n', recovery.Lost))));

    /// <summary>
    /// Copies a consistent snapshot of the hive to <paramref name="path"/>, replacing it atomically,
    /// but only when the hive passes <see cref="CheckForBackup"/>: a damaged hive throws
    /// <see cref="HiveCorruptException"/> and leaves the backup there as it was.
    /// </summary>
    public void BackupTo(string path)
    {
        if (CheckForBackup() is [var first, ..] problems)
        {
            throw new HiveCorruptException(
                $"the hive fails its check ({first}{(problems.Count > 1 ? $", and {problems.Count - 1} more" : "")}), so {System.IO.Path.GetFileName(path)} is kept as it was; run lkg status to see the damage.");
        }

        var temporary = path + ".tmp";
        File.Delete(temporary);
        _database.BackupTo(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Deletes key nodes and content blobs that no control set reaches. Runs by itself after
    /// retention has dropped <see cref="CollectAfterDroppedSets"/> sets; its cost is in
    /// proportion to the whole hive, which is why writes do not pay it each time.
    /// </summary>
    public void Collect() => InTransaction(CollectGarbage);

    private const int CollectAfterDroppedSets = 64;

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction, or in the caller's when one is open, so
    /// that a part's records and the control sets and <c>Select</c> they go with commit together.
    /// </summary>
    public T Transaction<T>(Func<T> work) => InTransaction(work);

    private T InTransaction<T>(Func<T> work)
    {
        // This connection's own writes do not move data_version: the sets verified before and inside them are read again.
        _verifiedSets.Clear();
        try
        {
            return _database.InTransaction ? work() : _database.Write(work);
        }
        catch
        {
            // Nodes read inside the rolled-back transaction (this one, or the caller's it fails) may not exist any more.
            _nodes.Clear();
            throw;
        }
        finally
        {
            _verifiedSets.Clear();
        }
    }

    private void StoreSelect(Select select)
    {
        _database.Execute(
            "UPDATE select_sets SET current = $c, default_set = $d, failed = $f, last_known_good = $l WHERE id = 1",
            ("$c", select.Current), ("$d", select.Default), ("$f", select.Failed), ("$l", select.LastKnownGood));
        ApplyRetention(select);
    }

    /// <summary>
    /// Keeps the sets <c>Select</c> names and <c>History</c> others: the ancestors of <c>Default</c>
    /// first, newest first, then the newest of the rest. In a line of writes that is the newest
    /// <c>History</c>; during a bisection it keeps the change sets it splits before its own trial sets.
    /// </summary>
    private void ApplyRetention(Select select)
    {
        var history = RecoveryOptions.Read(this, select.Default).History;
        var named = select.Named.ToHashSet();
        var ancestors = new List<int>();
        for (var set = FindControlSet(select.Default); set?.Parent is { } parent && ancestors.Count < history; set = FindControlSet(parent))
        {
            ancestors.Add(parent);
        }

        var others = _database.Query("SELECT id FROM control_sets ORDER BY seq DESC", r => r.GetInt32(0)).Where(id => !named.Contains(id)).ToList();
        var kept = ancestors.Where(id => !named.Contains(id)).Concat(others).Distinct().Take(history).ToHashSet();
        var dropped = others.Where(id => !kept.Contains(id)).ToList();
        foreach (var id in dropped)
        {
            _database.Execute("DELETE FROM control_sets WHERE id = $id", ("$id", id));
        }

        if (dropped.Count == 0)
        {
            return;
        }

        var pending = Convert.ToInt32(_database.Scalar("SELECT value FROM meta WHERE key = 'dropped'") ?? "0", CultureInfo.InvariantCulture) + dropped.Count;
        if (pending >= CollectAfterDroppedSets)
        {
            CollectGarbage();
            pending = 0;
        }

        _database.Execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dropped', $n)", ("$n", pending));
    }

    private int CollectGarbage()
    {
        var liveNodes = new HashSet<ContentHash>();
        var liveBlobs = new HashSet<ContentHash>();
        var pending = new Stack<ContentHash>(
            // Every record's root, damaged or not: a damaged record's tree is kept for the analysis of what was lost.
            _database.Query("SELECT root FROM control_sets", r => r.GetBytes(0)).Where(b => b.Length == ContentHash.Size).Select(b => ContentHash.FromBytes(b)));
        while (pending.TryPop(out var hash))
        {
            if (!liveNodes.Add(hash))
            {
                continue;
            }

            var node = _nodes.Load(hash);
            liveBlobs.UnionWith(node.Values.Where(v => v.Value.Kind == RegistryValueKind.File).Select(v => v.Value.AsFile().Hash));
            foreach (var subkey in node.Subkeys)
            {
                pending.Push(subkey.Hash);
            }
        }

        var deadNodes = _database.Query("SELECT hash FROM nodes", r => ContentHash.FromBytes(r.GetBytes(0)))
            .Where(h => !liveNodes.Contains(h)).ToList();
        foreach (var hash in deadNodes)
        {
            _database.Execute("DELETE FROM nodes WHERE hash = $hash", ("$hash", hash.ToArray()));
        }

        var deadBlobs = _database.Query("SELECT id, hash FROM blobs", r => (Id: r.GetInt64(0), Hash: r.IsDBNull(1) ? default : ContentHash.FromBytes(r.GetBytes(1))))
            .Where(b => !liveBlobs.Contains(b.Hash)).ToList();
        foreach (var blob in deadBlobs)
        {
            _blobs.Delete(blob.Id);
        }

        _nodes.Forget(deadNodes);
        _database.Execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dropped', 0)");
        return deadNodes.Count + deadBlobs.Count;
    }

    private int NextControlSetId()
    {
        var used = _database.Query("SELECT id FROM control_sets", r => r.GetInt32(0)).ToHashSet();
        var next = used.Count == 0 ? 1 : used.Max() + 1;
        if (next <= MaxControlSets)
        {
            return next;
        }

        // Numbers wrap, as they would past ControlSet999; retention keeps far fewer sets than that.
        return Enumerable.Range(1, MaxControlSets).First(id => !used.Contains(id));
    }

}
