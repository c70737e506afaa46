using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LastKnownGood.Internal;

/// <summary>
/// The checksum of rows outside the hash trees (docs/hive.md, "Rows outside the trees"): the
/// SHA-256 of the row's canonical encoding, kept in its <see cref="Column"/> column. The encoding
/// is the table's name, then every other column sorted by name, each as its name and its value
/// as SQLite stores it (type, length, bytes), so it depends neither on column order nor on the
/// query. Sealing and verifying are here and only here; each part says which of its tables are
/// sealed (<see cref="MachineSchema"/>) and reads its rows through <see cref="Read{T}"/>.
/// </summary>
internal static class RowCheck
{
    public const string Column = "row_check";

    /// <summary>Reads a row selected with every column of <paramref name="table"/>: verified, then parsed, else set aside as damage.</summary>
    public static RowRead<T> Read<T>(SqliteRow row, string table, Func<SqliteRow, T> parse) where T : class
    {
        var id = row.GetInt64(0);
        if (Verify(row, table) is { } problem)
        {
            return new(null, new DamagedRow(table, id, problem));
        }

        try
        {
            return new(parse(row), null);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or JsonException or ArgumentException or NotSupportedException)
        {
            // A value the check covers but that does not parse was stored damaged (or by another program): damage all the same.
            return new(null, new DamagedRow(table, id, $"a stored value does not parse: {e.Message}"));
        }
    }

    /// <summary>Why the current row (every column of <paramref name="table"/>, with <see cref="Column"/>) fails its check; null when it verifies.</summary>
    public static string? Verify(SqliteRow row, string table)
    {
        var columns = Columns(row);
        if (!columns.TryGetValue(Column, out var stored) || stored is not byte[] { Length: SHA256.HashSizeInBytes } check)
        {
            return "its checksum is missing";
        }

        columns.Remove(Column);
        return CryptographicOperations.FixedTimeEquals(check, Compute(table, columns)) ? null : "it does not match its checksum";
    }

    /// <summary>Computes and stores the check of row <paramref name="rowId"/> of <paramref name="table"/>, inside the caller's transaction.</summary>
    public static void Seal(SqliteDatabase database, string table, long rowId)
    {
        var columns = database.Query($"SELECT * FROM {table} WHERE rowid = $id", Columns, ("$id", rowId)).Single();
        columns.Remove(Column);
        database.Execute($"UPDATE {table} SET {Column} = $check WHERE rowid = $id", ("$id", rowId), ("$check", Compute(table, columns)));
    }

    /// <summary>
    /// Changes row <paramref name="rowId"/> with <paramref name="sql"/> and seals it again, inside the
    /// caller's transaction. The row is verified first, so a damaged row is never sealed as if it were
    /// good: that throws <see cref="HiveCorruptException"/> and the transaction rolls back.
    /// </summary>
    public static int Update(SqliteDatabase database, string table, long rowId, string sql, params (string Name, object? Value)[] parameters)
    {
        if (database.Query($"SELECT * FROM {table} WHERE rowid = $id", row => Verify(row, table), ("$id", rowId)) is [{ } problem])
        {
            throw new HiveCorruptException($"{new DamagedRow(table, rowId, problem)}; it is not changed. Run lkg status to see the damaged rows.");
        }

        var changed = database.Execute(sql, parameters);
        Seal(database, table, rowId);
        return changed;
    }

    /// <summary>Seals every row of <paramref name="table"/> that has no check yet: the rows a migration to schema 4 found.</summary>
    public static void SealUnsealed(SqliteDatabase database, string table)
    {
        foreach (var rowId in database.Query($"SELECT rowid FROM {table} WHERE {Column} IS NULL", r => r.GetInt64(0)))
        {
            Seal(database, table, rowId);
        }
    }

    /// <summary>The rows of <paramref name="table"/> that fail their check.</summary>
    public static IReadOnlyList<DamagedRow> FindDamaged(SqliteDatabase database, string table) =>
        [.. database.Query($"SELECT * FROM {table}", row => Verify(row, table) is { } problem ? new DamagedRow(table, row.GetInt64(0), problem) : null)
            .OfType<DamagedRow>()];

    /// <summary>The canonical encoding's hash, over the encoding written out whole (one call into the hash, not one a field).</summary>
    public static byte[] Compute(string table, Dictionary<string, object?> columns)
    {
        var encoding = new ArrayBufferWriter<byte>(512);
        AppendText(encoding, table);
        var names = new string[columns.Count];
        columns.Keys.CopyTo(names, 0);
        Array.Sort(names, StringComparer.Ordinal);
        foreach (var name in names)
        {
            AppendText(encoding, name);
            var value = columns[name];
            switch (value)
            {
                case null:
                    encoding.Write([(byte)0]);
                    break;
                case long integer:
                    AppendFixed(encoding, 1, integer);
                    break;
                case double real:
                    AppendFixed(encoding, 2, BitConverter.DoubleToInt64Bits(real));
                    break;
                case string text:
                    AppendText(encoding, text);
                    break;
                case byte[] blob:
                    AppendHeader(encoding, 4, blob.Length);
                    encoding.Write(blob);
                    break;
                default:
                    throw new ArgumentException($"SQLite does not store a {value.GetType().Name}.", nameof(columns));
            }
        }

        return SHA256.HashData(encoding.WrittenSpan);
    }

    private static Dictionary<string, object?> Columns(SqliteRow row)
    {
        var columns = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var column = 0; column < row.ColumnCount; column++)
        {
            columns[row.ColumnName(column)] = row.GetValue(column);
        }

        return columns;
    }

    private static void AppendFixed(ArrayBufferWriter<byte> encoding, byte type, long value)
    {
        var bytes = encoding.GetSpan(9);
        bytes[0] = type;
        BinaryPrimitives.WriteInt64LittleEndian(bytes[1..], value);
        encoding.Advance(9);
    }

    /// <summary>Text as SQLite stores it, UTF-8: type 3, its length, its bytes.</summary>
    private static void AppendText(ArrayBufferWriter<byte> encoding, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        AppendHeader(encoding, 3, length);
        encoding.Advance(Encoding.UTF8.GetBytes(text, encoding.GetSpan(length)));
    }

    private static void AppendHeader(ArrayBufferWriter<byte> encoding, byte type, int length)
    {
        var header = encoding.GetSpan(5);
        header[0] = type;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], length);
        encoding.Advance(5);
    }
}
