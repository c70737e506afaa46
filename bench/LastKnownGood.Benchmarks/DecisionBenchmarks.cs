using BenchmarkDotNet.Attributes;
using LastKnownGood.Boot;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// The boot manager's recovery decision after a bug check, as <c>BootManager</c> makes it (Select,
/// the boots it needs, <c>Control\Recovery</c> of Default, the Classic rules), on a machine with 3
/// boots (baseline) and on one with 10,000 (<see cref="MachineHistory"/>); and, for comparison, the
/// decision from the whole history, as it was made before it read only the boots it needs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 20)]
public class DecisionBenchmarks
{
    private BenchmarkDirectory _directory = null!;
    private Hive _short = null!;
    private Hive _long = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _directory = new BenchmarkDirectory();
        _short = Machine("short", 3);
        _long = Machine("long", 10_000);
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _short.Dispose();
        _long.Dispose();
        _directory.Dispose();
    }

    [Benchmark(Baseline = true)]
    public BootPlan DecideAfter3Boots() => Decide(_short, BootLog.ReadForDecision);

    [Benchmark]
    public BootPlan DecideAfter10000Boots() => Decide(_long, BootLog.ReadForDecision);

    [Benchmark]
    public BootPlan DecideFromAll10000Boots() => Decide(_long, hive => [.. BootLog.List(hive).Reverse()]);

    private static BootPlan Decide(Hive hive, Func<Hive, IReadOnlyList<BootRecord>> history)
    {
        var select = hive.ReadSelect();
        return ClassicRecovery.Decide(history(hive), select, RecoveryOptions.Read(hive, select.Default));
    }

    private Hive Machine(string name, int boots)
    {
        var machine = new MachineDirectory(_directory.File(name));
        machine.Create(TimeProvider.System, _ => { });
        var hive = machine.OpenHive(TimeProvider.System);
        MachineHistory.Write(hive, boots);
        return hive;
    }
}
