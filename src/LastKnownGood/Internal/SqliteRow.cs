using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LastKnownGood.Internal;

/// <summary>The current row of a query: valid only inside the map function <see cref="SqliteDatabase.Query{T}"/> calls.</summary>
internal sealed unsafe class SqliteRow(nint statement)
{
    /// <summary>The statement's column names, read at the first row that asks: every row of a statement has the same.</summary>
    private string[]? _names;

    public int ColumnCount => Sqlite.ColumnCount(statement);

    /// <summary>The column's name as the query gives it (its table column's name, unless renamed with AS).</summary>
    public string ColumnName(int column)
    {
        _names ??= ReadNames();
        return _names[column];
    }

    private string[] ReadNames()
    {
        var names = new string[ColumnCount];
        for (var c = 0; c < names.Length; c++)
        {
            names[c] = Marshal.PtrToStringUTF8((nint)Sqlite.ColumnName(statement, c)) ?? throw new InvalidOperationException($"Column {c} has no name.");
        }

        return names;
    }

    public bool IsDBNull(int column) => Sqlite.ColumnType(statement, column) == Sqlite.NullColumn;

    public long GetInt64(int column) => Sqlite.ColumnInt64(statement, column);

    public int GetInt32(int column) => checked((int)GetInt64(column));

    public bool GetBoolean(int column) => GetInt64(column) != 0;

    public string GetString(int column)
    {
        // column_text before column_bytes: the length is of the text the first call made.
        var text = Sqlite.ColumnText(statement, column);
        return text is null
            ? throw new InvalidCastException($"Column {column} is NULL, not text.")
            : Encoding.UTF8.GetString(text, Sqlite.ColumnBytes(statement, column));
    }

    /// <summary>A time the hive stored (<see cref="SqliteDatabase"/> binds times as round-trip text).</summary>
    public DateTimeOffset GetTime(int column) =>
        DateTimeOffset.ParseExact(GetString(column), SqliteDatabase.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public byte[] GetBytes(int column)
    {
        // A zero-length BLOB comes back as a null pointer.
        var data = Sqlite.ColumnBlob(statement, column);
        return new ReadOnlySpan<byte>(data, Sqlite.ColumnBytes(statement, column)).ToArray();
    }

    /// <summary>The column as SQLite stores it: long, double, string, byte[], or null.</summary>
    public object? GetValue(int column) => Sqlite.ColumnType(statement, column) switch
    {
        Sqlite.IntegerColumn => GetInt64(column),
        Sqlite.FloatColumn => Sqlite.ColumnDouble(statement, column),
        Sqlite.TextColumn => GetString(column),
        Sqlite.BlobColumn => GetBytes(column),
        _ => null,
    };
}
