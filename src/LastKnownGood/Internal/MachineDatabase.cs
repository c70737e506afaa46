using System.Globalization;

namespace LastKnownGood.Internal;

/// <summary>
/// The owner of the machine database (<c>system.db</c>): it creates the file with every part's
/// tables (<see cref="MachineSchema"/>), and opening checks what the file is before changing
/// anything. Not SQLite is damage (<see cref="HiveCorruptException"/>); SQLite without the meta
/// table is another program's file; a newer schema is refused; an older one is migrated in one
/// transaction after a copy of the file is kept beside it, or refused when the caller only reads.
/// Only damage lets the caller restore the backup: the other refusals leave the file byte for byte.
/// </summary>
internal static class MachineDatabase
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Creates the database at <paramref name="path"/>, which must not exist, with every part's tables.</summary>
    public static SqliteDatabase Create(string path)
    {
        var database = SqliteDatabase.Open(path, create: true);
        try
        {
            database.Write(() =>
            {
                database.Execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                foreach (var part in MachineSchema.Parts)
                {
                    database.Execute(MachineSchema.Read(part.Tables));
                }

                return database.Execute("INSERT INTO meta (key, value) VALUES ('schema', $v)", ("$v", MachineSchema.Version));
            });
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the database at <paramref name="path"/> for use. With <paramref name="migrate"/>
    /// false (a command that only reads), a database of an older schema is refused rather than
    /// migrated, so nothing is written.
    /// </summary>
    public static SqliteDatabase Open(string path, bool migrate)
    {
        // Format version 2 at offset 18 is WAL mode, which every hive this lkg wrote is in. A
        // file in rollback mode is opened read-only, so SQLite cannot roll back a journal in it.
        var walMode = ReadHeader(path)[18] == 2;
        var database = SqliteDatabase.OpenUnchanged(path, readOnly: !walMode);
        try
        {
            var version = ReadVersion(database);
            if (version > MachineSchema.Version)
            {
                throw new LkgException(NtStatus.NotSupported,
                    $"The machine database {path} has schema {version}; it is newer than schema {MachineSchema.Version}, the newest read by this version of lkg: use a newer version of lkg (the file is left as it is).");
            }

            if (version < MachineSchema.OldestMigrated)
            {
                throw new LkgException(NtStatus.NotSupported,
                    $"The machine database {path} has schema {version}; it is older than schema {MachineSchema.OldestMigrated}, the oldest migrated by this version of lkg: migrate it with an older version of lkg, or create the machine again with lkg init.");
            }

            if (version < MachineSchema.Version && !migrate)
            {
                throw new LkgException(NtStatus.InvalidDeviceState,
                    $"The machine database {path} has schema {version}, older than the schema {MachineSchema.Version} of this version of lkg, and a command that only reads does not migrate it: run a command that writes, such as lkg boot, to migrate it first.");
            }

            if (!walMode && !migrate)
            {
                // A reader leaves a file in rollback mode as it is (a backup, system.db.lkg): read-only, never switched to WAL.
                return database;
            }

            if (version < MachineSchema.Version)
            {
                database.BackupTo(BackupPath(path, version));
            }

            if (!walMode)
            {
                database.Dispose();
                database = SqliteDatabase.OpenUnchanged(path, readOnly: false);
            }

            database.SwitchToWal();
            if (version < MachineSchema.Version)
            {
                Migrate(database);
            }

            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Where the copy of a database of schema <paramref name="version"/> is kept before it is migrated.</summary>
    public static string BackupPath(string path, int version) => $"{path}.v{version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Every step from the database's schema to the current one, and the new version, in one transaction.</summary>
    private static void Migrate(SqliteDatabase database) => database.Write(() =>
    {
        // Read again under the write lock: another process may have migrated it meanwhile.
        var version = ReadVersion(database);
        foreach (var (_, script) in MachineSchema.MigrationsFrom(version))
        {
            database.Execute(MachineSchema.Read(script));
        }

        // Rows written before schema 4 have no check: they are sealed as they are, in the same transaction.
        foreach (var table in MachineSchema.SealedTables)
        {
            RowCheck.SealUnsealed(database, table);
        }

        return database.Execute("UPDATE meta SET value = $v WHERE key = 'schema'", ("$v", MachineSchema.Version));
    });

    /// <summary>The first 100 bytes, SQLite's database header; anything else is damage.</summary>
    private static byte[] ReadHeader(string path)
    {
        var header = new byte[100];
        int read;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (read < header.Length || !header.AsSpan(0, SqliteHeader.Length).SequenceEqual(SqliteHeader))
        {
            throw new HiveCorruptException($"The hive {path} is damaged (it is not a SQLite database file).");
        }

        return header;
    }

    private static int ReadVersion(SqliteDatabase database)
    {
        var hasMeta = database.Scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'") is not null;
        var text = hasMeta ? database.Scalar("SELECT value FROM meta WHERE key = 'schema'") as string : null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new LkgException(NtStatus.ObjectTypeMismatch,
                $"{database.Path} is not a LastKnownGood machine database (it is SQLite without lkg's schema record); move it away, or point --machine at a machine directory.");
        }

        return version;
    }
}
