using BenchmarkDotNet.Attributes;
using LastKnownGood.Internal;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// Writing one boot record as <c>BootLog.Begin</c> does (one <c>BEGIN IMMEDIATE</c> transaction,
/// WAL, synchronous=FULL), without its row check (baseline) and with it: the insert, then
/// <see cref="RowCheck.Seal"/> reading the row back, hashing its canonical encoding and storing the check.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 15, invocationCount: 64)]
public class BootRecordWriteBenchmarks
{
    private static readonly DateTimeOffset Started = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);

    private BenchmarkDirectory _directory = null!;
    private SqliteDatabase _database = null!;
    private long _number;

    [GlobalSetup]
    public void SetUp()
    {
        _directory = new BenchmarkDirectory();
        _database = MachineDatabase.Create(_directory.File("system.db"));
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Benchmark(Baseline = true)]
    public long WriteBootRecord() => _database.Write(() => Insert(++_number));

    [Benchmark]
    public long WriteSealedBootRecord() => _database.Write(() =>
    {
        var number = Insert(++_number);
        RowCheck.Seal(_database, "boots", number);
        return number;
    });

    private long Insert(long number)
    {
        _database.Execute(
            "INSERT INTO boots (number, control_set, mode, started, outcome, reason) VALUES ($n, $set, $mode, $started, $outcome, $reason)",
            ("$n", number), ("$set", 1), ("$mode", "normal"), ("$started", Started), ("$outcome", "running"), ("$reason", "Default"));
        return number;
    }
}
