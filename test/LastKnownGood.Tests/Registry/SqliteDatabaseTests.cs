using LastKnownGood.Internal;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

/// <summary>The hive's SQLite layer against a real database file: values, transactions, errors and locks.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SqliteDatabase _database;

    public SqliteDatabaseTests()
    {
        _database = SqliteDatabase.Open(_temp.Combine("test.db"), create: true);
        _database.Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, value)");
    }

    public void Dispose()
    {
        _database.Dispose();
        _temp.Dispose();
    }

    public static TheoryData<object?> Values() => new()
    {
        null, 0L, -1L, long.MaxValue, long.MinValue, 2.5, "", "Straße, 東京, 🙂", "a\0b", Array.Empty<byte>(), new byte[] { 0, 1, 255 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void AValue_ComesBackAsStored_EmptyIsNotNull(object? value)
    {
        _database.Execute("INSERT INTO t (id, value) VALUES (1, $v)", ("$v", value));

        Assert.Equal(value, _database.Scalar("SELECT value FROM t WHERE id = 1"));
        Assert.Equal(value is null, _database.Query("SELECT value FROM t", r => r.IsDBNull(0)).Single());
    }

    [Fact]
    public void IntAndBool_AreStoredAsIntegers()
    {
        _database.Execute("INSERT INTO t (id, value) VALUES ($a, $b), (2, $c)", ("$a", 1), ("$b", true), ("$c", false));

        Assert.Equal([(1, true), (2, false)], _database.Query("SELECT id, value FROM t ORDER BY id", r => (r.GetInt32(0), r.GetBoolean(1))));
    }

    [Fact]
    public void ATime_IsStoredAsRoundTripText_AndReadBackExactly()
    {
        var time = new DateTimeOffset(2024, 7, 19, 4, 9, 0, TimeSpan.FromHours(2)).AddTicks(1234567);

        _database.Execute("INSERT INTO t (id, value) VALUES (1, $t)", ("$t", time));

        Assert.Equal("2024-07-19T04:09:00.1234567+02:00", _database.Scalar("SELECT value FROM t"));
        var read = _database.Query("SELECT value FROM t", r => r.GetTime(0)).Single();
        Assert.Equal((time, time.Offset), (read, read.Offset));
    }

    [Fact]
    public void Execute_RunsEveryStatement_AndCountsTheirChanges()
    {
        var changed = _database.Execute("INSERT INTO t (value) VALUES (1); INSERT INTO t (value) VALUES (2); UPDATE t SET value = 3; -- done");

        Assert.Equal(4, changed);
        Assert.Equal(0, _database.Execute("SELECT value FROM t"));
        Assert.Equal([3L, 3L], _database.Query("SELECT value FROM t", r => r.GetInt64(0)));
    }

    [Fact]
    public void Scalar_WithNoRow_IsNull() => Assert.Null(_database.Scalar("SELECT value FROM t"));

    [Fact]
    public void AMissingParameter_IsRefused_NotBoundAsNull()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _database.Execute("INSERT INTO t (value) VALUES ($v)"));

        Assert.Contains("$v", error.Message);
        Assert.Equal(0L, _database.Scalar("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public void Write_ThatThrows_RollsBackEverything_AndTheNextWriteWorks()
    {
        Assert.Throws<InvalidOperationException>(() => _database.Write<int>(() =>
        {
            _database.Execute("INSERT INTO t (value) VALUES (1)");
            throw new InvalidOperationException("fail");
        }));
        _database.Write(() => _database.Execute("INSERT INTO t (value) VALUES (2)"));

        Assert.Equal([2L], _database.Query("SELECT value FROM t", r => r.GetInt64(0)));
    }

    [Fact]
    public void Write_WhoseStatementFails_RollsBack_WithTheHivesError()
    {
        var error = Assert.Throws<LkgException>(() => _database.Write(() =>
        {
            _database.Execute("INSERT INTO t (id, value) VALUES (1, 1)");
            return _database.Execute("INSERT INTO t (id, value) VALUES (1, 2)");
        }));

        Assert.Equal(NtStatus.Unsuccessful, error.Status);
        Assert.Contains("UNIQUE constraint failed", error.Message);
        Assert.Equal(0L, _database.Scalar("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public async Task ASecondConnection_WaitsForTheFirstsWriteTransaction_ThenWrites()
    {
        using var second = SqliteDatabase.Open(_database.Path, create: false);
        using var writing = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var first = Task.Run(() => _database.Write(() =>
        {
            _database.Execute("INSERT INTO t (id, value) VALUES (1, 'first')");
            writing.Release();
            release.Wait();
            return 0;
        }));
        await writing.WaitAsync();

        var waiting = Task.Run(() => second.Write(() => second.Execute("UPDATE t SET value = 'second' WHERE id = 1")));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the second writer waits for the first's lock");
        release.Release();
        await first;

        Assert.Equal(1, await waiting);
        Assert.Equal("second", _database.Scalar("SELECT value FROM t WHERE id = 1"));
    }

    [Fact]
    public void ReadBlob_ReadsIntoTheBuffer_OrSaysItIsTooSmall()
    {
        _database.Execute("INSERT INTO t (id, value) VALUES (7, $v)", ("$v", new byte[] { 1, 2, 3, 4 }));
        var buffer = new byte[4];

        Assert.Equal(4, _database.ReadBlob("t", "value", 7, buffer));
        Assert.Equal([1, 2, 3, 4], buffer);
        Assert.Equal(-1, _database.ReadBlob("t", "value", 7, new byte[3]));
    }

    [Fact]
    public void BackupTo_CopiesASnapshot_ThatOpensOnItsOwn()
    {
        _database.Execute("INSERT INTO t (id, value) VALUES (1, 'kept')");
        var copy = _temp.Combine("copy.db");

        _database.BackupTo(copy);

        using var restored = SqliteDatabase.Open(copy, create: false);
        Assert.Equal("kept", restored.Scalar("SELECT value FROM t WHERE id = 1"));
    }

    [Fact]
    public void AClosedDatabase_RefusesEveryUse_InsteadOfCrashingInSqlite()
    {
        var closed = SqliteDatabase.Open(_temp.Combine("closed.db"), create: true);
        closed.Dispose();

        Assert.Throws<ObjectDisposedException>(() => closed.Execute("SELECT 1"));
        Assert.Throws<ObjectDisposedException>(() => closed.Scalar("SELECT 1"));
        Assert.Throws<ObjectDisposedException>(() => closed.Write(() => 0));
        Assert.Throws<ObjectDisposedException>(() => closed.ReadBlob("t", "value", 1, new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => closed.BackupTo(_temp.Combine("copy.db")));
        closed.Dispose();
    }

    [Fact]
    public void OpeningAFileThatIsNotADatabase_SaysTheHiveIsDamaged()
    {
        var path = _temp.Combine("text.db");
        File.WriteAllText(path, new string('x', 4096));

        var error = Assert.Throws<HiveCorruptException>(() => SqliteDatabase.Open(path, create: false).Dispose());

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void OpeningAMissingFile_WithoutCreate_FailsAndCreatesNothing()
    {
        var path = _temp.Combine("missing.db");

        var error = Assert.Throws<LkgException>(() => SqliteDatabase.Open(path, create: false).Dispose());

        Assert.Contains("unable to open database file", error.Message);
        Assert.False(File.Exists(path));
    }
}
