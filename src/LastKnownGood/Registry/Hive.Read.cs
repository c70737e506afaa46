using LastKnownGood.Internal;

namespace LastKnownGood.Registry;

public sealed partial class Hive
{
    public Select ReadSelect()
    {
        try
        {
            // Read as an array, not as a Select: a list of a struct of ours is compiled just in time at every start.
            return _database.Query("SELECT current, default_set, failed, last_known_good FROM select_sets WHERE id = 1",
                r => new[] { r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3) }) is [[var current, var @default, var failed, var lastKnownGood]]
                ? new Select(current, @default, failed, lastKnownGood)
                : throw new HiveCorruptException($"{Path} has no Select row; the hive is missing a critical key.");
        }
        catch (OverflowException)
        {
            throw new HiveCorruptException($"{Path} has a damaged Select row (a set number out of range); the hive is missing a critical key.");
        }
    }

    /// <summary>
    /// The set <c>CurrentControlSet</c> stands for: <c>Current</c> while a boot runs, else <c>Default</c>.
    /// 0 when the hive has no control set yet.
    /// </summary>
    public int ResolveCurrentControlSet(bool bootRunning)
    {
        var select = ReadSelect();
        return bootRunning && select.Current != 0 ? select.Current : select.Default;
    }

    /// <summary>The control sets whose records verify, by number.</summary>
    public IReadOnlyList<ControlSetInfo> ListControlSets() => ReadControlSets().Sets;

    /// <summary>Every control set record, by number: those that verify, and those set aside as damaged.</summary>
    public (IReadOnlyList<ControlSetInfo> Sets, IReadOnlyList<DamagedRow> Damaged) ReadControlSets()
    {
        var rows = _database.Query($"{ControlSetColumns} ORDER BY id", ReadControlSet);
        return ([.. rows.Select(r => r.Value).OfType<ControlSetInfo>()], [.. rows.Select(r => r.Damage).OfType<DamagedRow>()]);
    }

    /// <summary>Control set <paramref name="id"/>; null when the hive does not hold it, or its record is damaged.</summary>
    public ControlSetInfo? FindControlSet(int id) => FindControlSetRow(id)?.Value;

    /// <summary>Control set <paramref name="id"/>; a missing set throws <see cref="LkgException"/>, a damaged record <see cref="HiveCorruptException"/>.</summary>
    public ControlSetInfo GetControlSet(int id) => FindControlSetRow(id) switch
    {
        null => throw new LkgException(NtStatus.ObjectNameNotFound,
            $"{ControlSetInfo.FormatName(id)} does not exist; list the control sets with lkg controlset list."),
        { Value: { } set } => set,
        { Damage: var damage } => throw new HiveCorruptException($"The record of {ControlSetInfo.FormatName(id)} is damaged ({damage!.Problem})."),
    };

    /// <summary>
    /// Control set records read and verified since the database last changed: <c>PRAGMA
    /// data_version</c> moves with every commit of another connection, and this connection's own
    /// writes clear them (<see cref="InTransaction{T}"/>). A reader that opens many keys of one
    /// set, a running kernel above all, reads and checks its record once, not at every key.
    /// </summary>
    private readonly Dictionary<int, ControlSetInfo> _verifiedSets = [];

    private long _verifiedAtVersion = -1;

    private RowRead<ControlSetInfo>? FindControlSetRow(int id)
    {
        if (_database.Scalar("PRAGMA data_version") is long version && version != _verifiedAtVersion)
        {
            _verifiedSets.Clear();
            _verifiedAtVersion = version;
        }

        if (_verifiedSets.TryGetValue(id, out var verified))
        {
            return new(verified, null);
        }

        var row = _database.Query($"{ControlSetColumns} WHERE id = $id", ReadControlSet, ("$id", id)) is [var read] ? read : (RowRead<ControlSetInfo>?)null;
        if (row?.Value is { } set)
        {
            _verifiedSets[id] = set;
        }

        return row;
    }

    /// <summary>The key at <paramref name="path"/> in control set <paramref name="id"/>, or null when it does not exist.</summary>
    public KeyNode? OpenKey(int id, KeyPath path)
    {
        var node = _nodes.Load(GetControlSet(id).Root);
        foreach (var segment in path.Segments)
        {
            if (!node.TryGetSubkey(segment, out var link))
            {
                return null;
            }

            node = _nodes.Load(link.Hash);
        }

        return node;
    }

    /// <summary>
    /// Opens a FILE value's content. Content missing or of another size than the value records
    /// throws <see cref="HiveCorruptException"/> here; damaged bytes throw it at the stream's end.
    /// </summary>
    public Stream OpenFile(FileReference file)
    {
        RequireStored(file);
        return _blobs.OpenRead(file.Hash);
    }

    /// <summary>The differences that carry set <paramref name="older"/> to set <paramref name="newer"/>.</summary>
    public IReadOnlyList<RegistryDifference> Diff(int older, int newer) =>
        ControlSetDiff.Compute(_nodes, GetControlSet(older).Root, GetControlSet(newer).Root);

    /// <summary>The reports of restores from the backup; one whose stored values do not parse is left out.</summary>
    public IReadOnlyList<HiveRecovery> ListRecoveries() =>
        [.. _database.Query("SELECT time, reason, lost FROM hive_recoveries ORDER BY id", r =>
            {
                try
                {
                    return new HiveRecovery(r.GetTime(0), r.GetString(1), r.GetString(2).Split('\n', StringSplitOptions.RemoveEmptyEntries));
                }
                catch (Exception e) when (e is FormatException or InvalidCastException)
                {
                    return null;
                }
            }).OfType<HiveRecovery>()];

    private const string ControlSetTable = "control_sets";

    private const string ControlSetColumns = "SELECT id, root, parent, created, author, reason, seq, row_check FROM control_sets";

    private static RowRead<ControlSetInfo> ReadControlSet(SqliteRow row) => RowCheck.Read(row, ControlSetTable, ParseControlSet);

    private static ControlSetInfo ParseControlSet(SqliteRow r) => new(
        r.GetInt32(0),
        ContentHash.FromBytes(r.GetBytes(1)),
        r.IsDBNull(2) ? null : r.GetInt32(2),
        r.GetTime(3),
        r.GetString(4),
        r.GetString(5));
}
