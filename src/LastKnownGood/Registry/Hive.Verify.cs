using LastKnownGood.Internal;

namespace LastKnownGood.Registry;

public sealed partial class Hive
{
    /// <summary>
    /// Re-reads control set <paramref name="id"/> from the database and checks every key node
    /// against its hash and every content file against its recorded size (and, with
    /// <paramref name="contents"/>, its bytes against its hash). Subtrees that are the same in
    /// <paramref name="verifiedBase"/>, a set already verified, are skipped: verifying a set
    /// derived from a verified one costs in proportion to what changed.
    /// </summary>
    public VerificationReport VerifyControlSet(int id, int? verifiedBase = null, bool contents = false)
    {
        var baseRoot = verifiedBase is { } b ? GetControlSet(b).Root : (ContentHash?)null;
        int nodes = 0, blobs = 0;
        var pending = new Stack<PendingNode>();
        pending.Push(new(GetControlSet(id).Root, baseRoot));
        while (pending.TryPop(out var entry))
        {
            if (entry.Hash == entry.Base)
            {
                continue;
            }

            var node = _nodes.LoadVerified(entry.Hash);
            var baseNode = entry.Base is { } baseHash ? _nodes.Load(baseHash) : null;
            nodes++;
            foreach (var (name, value) in node.Values)
            {
                if (value.Kind != RegistryValueKind.File
                    || (baseNode is not null && baseNode.TryGetValue(name, out var old) && old.Equals(value)))
                {
                    continue;
                }

                VerifyFile(value.AsFile(), contents);
                blobs++;
            }

            foreach (var subkey in node.Subkeys)
            {
                var baseSubkey = baseNode is not null && baseNode.TryGetSubkey(subkey.Name, out var link) ? link.Hash : (ContentHash?)null;
                pending.Push(new(subkey.Hash, baseSubkey));
            }
        }

        return new VerificationReport(nodes, blobs);
    }

    /// <summary>A node still to verify, and its counterpart in the verified base set. A class: a stack of a struct of ours is compiled just in time at every start.</summary>
    private sealed record PendingNode(ContentHash Hash, ContentHash? Base);

    private void VerifyFile(FileReference file, bool contents)
    {
        RequireStored(file);
        if (contents)
        {
            _blobs.Verify(file.Hash);
        }
    }

    /// <summary>Throws <see cref="HiveCorruptException"/> unless the hive holds the file's content at its recorded size.</summary>
    private void RequireStored(FileReference file)
    {
        if (_blobs.SizeOf(file.Hash) != file.Size)
        {
            throw new HiveCorruptException($"Content file {file.Name} ({file.Hash.ToShortString()}) is missing from the hive or has the wrong size.");
        }
    }

    /// <summary>
    /// The full check a hive passes before it is backed up: SQLite's <c>PRAGMA integrity_check</c>,
    /// the hash trees of the sets <c>Select</c> names, and the check of every sealed row
    /// (<see cref="RowCheck"/>). Empty when the hive is whole; else what is wrong, in words.
    /// </summary>
    public IReadOnlyList<HiveProblem> CheckForBackup()
    {
        try
        {
            var problems = _database.Query("PRAGMA integrity_check", r => r.GetString(0)).Where(line => line != "ok").Take(10).ToList();
            if (problems.Count > 0)
            {
                return [.. problems.Select(p => new HiveProblem(HiveProblemKind.Database, $"SQLite's integrity check: {p}"))];
            }

            VerifySelected(HiveVerification.SelectedSets);
            return [.. MachineSchema.SealedTables.SelectMany(table => RowCheck.FindDamaged(_database, table)).Select(d => new HiveProblem(HiveProblemKind.Row, d.ToString()))];
        }
        catch (LkgException e)
        {
            return [new(HiveProblemKind.ControlSet, e.Message.TrimEnd('.'))];
        }
    }

    /// <summary>
    /// Checks that the sets <c>Select</c> names have records that verify; for
    /// <see cref="HiveVerification.SelectedSets"/>, verifies <c>Default</c>'s tree in full and the
    /// other named sets' trees against it.
    /// </summary>
    private void VerifySelected(HiveVerification verification)
    {
        var select = ReadSelect();
        foreach (var id in select.Named)
        {
            var row = FindControlSetRow(id);
            if (row is not { Value: not null })
            {
                throw new HiveCorruptException(row?.Damage is { } damage
                    ? $"Select names {ControlSetInfo.FormatName(id)}, whose record is damaged ({damage.Problem})."
                    : $"Select names {ControlSetInfo.FormatName(id)}, which the hive does not hold.");
            }
        }

        if (verification == HiveVerification.OnRead || select.Default == 0)
        {
            return;
        }

        VerifyControlSet(select.Default);
        foreach (var id in select.Named)
        {
            if (id != select.Default)
            {
                VerifyControlSet(id, verifiedBase: select.Default);
            }
        }
    }
}
