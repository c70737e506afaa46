using System.Security.Cryptography;
using LastKnownGood.Internal;

namespace LastKnownGood.Tests.Support;

/// <summary>Damage done to a hive the way the hardening review did it: one flipped bit, in a stored value or anywhere in the file.</summary>
public static class Damage
{
    /// <summary>Flips the low bit of byte <paramref name="index"/> of a text value, directly in SQLite, leaving its row check as it was.</summary>
    public static void FlipText(string hivePath, string table, string column, long rowId, int index)
    {
        using var database = SqliteDatabase.Open(hivePath, create: false);
        var bytes = (byte[])database.Scalar($"SELECT CAST({column} AS BLOB) FROM {table} WHERE rowid = $id", ("$id", rowId))!;
        bytes[index] ^= 1;
        database.Execute($"UPDATE {table} SET {column} = CAST($value AS TEXT) WHERE rowid = $id", ("$id", rowId), ("$value", bytes));
    }

    /// <summary>Breaks a table definition in sqlite_master: SQLite still opens the file, but its integrity check fails.</summary>
    public static void BreakIndexDefinition(string hivePath)
    {
        using var database = SqliteDatabase.Open(hivePath, create: false);
        database.Execute("PRAGMA writable_schema = ON");
        database.Execute("UPDATE sqlite_master SET rootpage = (SELECT rootpage FROM sqlite_master WHERE name = 'nodes') WHERE name = 'sqlite_autoindex_blobs_1'");
    }

    /// <summary>Flips the low bit of the byte at <paramref name="position"/> of a closed file.</summary>
    public static void FlipFileByte(string path, long position)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = position;
        var value = file.ReadByte();
        file.Position = position;
        file.WriteByte((byte)(value ^ 1));
    }

    public static string HashFile(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
