using LastKnownGood.Internal;

namespace LastKnownGood.Registry;

public sealed partial class Hive
{
    public Select ReadSelect() =>
        _database.Query("SELECT current, default_set, failed, last_known_good FROM select_sets WHERE id = 1",
            r => new Select(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3))) is [var select]
            ? select
            : throw new HiveCorruptException($"{Path} has no Select row; the hive is missing a critical key.");

    /// <summary>
    /// The set <c>CurrentControlSet</c> stands for: <c>Current</c> while a boot runs, else <c>Default</c>.
    /// 0 when the hive has no control set yet.
    /// </summary>
    public int ResolveCurrentControlSet(bool bootRunning)
    {
        var select = ReadSelect();
        return bootRunning && select.Current != 0 ? select.Current : select.Default;
    }

    public IReadOnlyList<ControlSetInfo> ListControlSets() =>
        _database.Query($"{ControlSetColumns} ORDER BY id", ReadControlSet);

    public ControlSetInfo? FindControlSet(int id) =>
        _database.Query($"{ControlSetColumns} WHERE id = $id", ReadControlSet, ("$id", id)) is [var set] ? set : null;

    public ControlSetInfo GetControlSet(int id) => FindControlSet(id)
        ?? throw new LkgException(NtStatus.ObjectNameNotFound,
            $"{ControlSetInfo.FormatName(id)} does not exist; list the control sets with lkg controlset list.");

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

    /// <summary>Opens a FILE value's content; the stream throws <see cref="HiveCorruptException"/> at its end if the bytes are damaged.</summary>
    public Stream OpenFile(FileReference file) => _blobs.OpenRead(file.Hash);

    /// <summary>The differences that carry set <paramref name="older"/> to set <paramref name="newer"/>.</summary>
    public IReadOnlyList<RegistryDifference> Diff(int older, int newer) =>
        ControlSetDiff.Compute(_nodes, GetControlSet(older).Root, GetControlSet(newer).Root);

    public IReadOnlyList<HiveRecovery> ListRecoveries() =>
        _database.Query("SELECT time, reason, lost FROM hive_recoveries ORDER BY id", r => new HiveRecovery(
            r.GetTime(0),
            r.GetString(1),
            r.GetString(2).Split('\n', StringSplitOptions.RemoveEmptyEntries)));

    private const string ControlSetColumns = "SELECT id, root, parent, created, author, reason FROM control_sets";

    private static ControlSetInfo ReadControlSet(SqliteRow r) => new(
        r.GetInt32(0),
        ContentHash.FromBytes(r.GetBytes(1)),
        r.IsDBNull(2) ? null : r.GetInt32(2),
        r.GetTime(3),
        r.GetString(4),
        r.GetString(5));
}
