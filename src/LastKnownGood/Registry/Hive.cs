using LastKnownGood.Internal;
using LastKnownGood.Registry.Internal;

namespace LastKnownGood.Registry;

/// <summary>
/// The machine's registry: immutable control sets stored as hash trees in SQLite (WAL,
/// synchronous=FULL), content files in a blob store, and <c>Select</c>. Every write and every
/// <c>Select</c> transition is one transaction, so a crash leaves the old state or the new one.
/// A hive is used from one thread at a time.
/// </summary>
public sealed partial class Hive : IDisposable
{
    private const int MaxControlSets = 999;

    private readonly SqliteDatabase _database;
    private readonly NodeStore _nodes;
    private readonly BlobStore _blobs;
    private readonly TimeProvider _time;

    private Hive(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _nodes = new NodeStore(database);
        _blobs = new BlobStore(database);
        _time = time;
    }

    public string Path => _database.Path;

    /// <summary>The clock the hive's records are dated by.</summary>
    public TimeProvider Time => _time;

    /// <summary>The hive file's connection, for the other machine records kept in the same file.</summary>
    internal SqliteDatabase Database => _database;

    /// <summary>Creates an empty hive: no control sets, <c>Select</c> all zero. Fails if the file exists.</summary>
    public static Hive Create(string path, TimeProvider time)
    {
        if (File.Exists(path))
        {
            throw new LkgException(NtStatus.ObjectNameCollision, $"A hive already exists at {path}; use it, or delete the machine directory to start again.");
        }

        return new Hive(MachineDatabase.Create(path), time);
    }

    /// <summary>
    /// Opens a hive and checks the records of the control sets <c>Select</c> names; with
    /// <see cref="HiveVerification.SelectedSets"/> it also verifies their trees: every key node is
    /// hashed and every content file's presence and size checked. Open-time damage throws
    /// <see cref="HiveCorruptException"/>; with <see cref="HiveVerification.OnRead"/>, damage in a
    /// tree throws it when the damaged node or file is read. A file of another program or of a
    /// schema this lkg does not use throws <see cref="LkgException"/> and is left as it is. An
    /// older schema is migrated unless <paramref name="access"/> only reads.
    /// </summary>
    public static Hive Open(string path, TimeProvider time, HiveAccess access = HiveAccess.ReadWrite,
        HiveVerification verification = HiveVerification.SelectedSets)
    {
        var hive = new Hive(MachineDatabase.Open(path, migrate: access == HiveAccess.ReadWrite), time);
        try
        {
            hive.VerifySelected(verification);
            return hive;
        }
        catch
        {
            hive.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads what can still be read of a damaged hive, without verifying it: its control set
    /// records and <c>Select</c>. Null when even that fails.
    /// </summary>
    public static (IReadOnlyList<ControlSetInfo> ControlSets, Select? Select)? Salvage(string path)
    {
        try
        {
            // As it is: no journal mode is set on a file about to be kept aside for analysis.
            using var hive = new Hive(SqliteDatabase.OpenUnchanged(path, readOnly: false), TimeProvider.System);
            Select? select = null;
            try
            {
                select = hive.ReadSelect();
            }
            catch (LkgException)
            {
                // The control sets alone are still worth reporting.
            }

            return (hive.ListControlSets(), select);
        }
        catch (LkgException)
        {
            return null;
        }
    }

    public void Dispose() => _database.Dispose();
}
