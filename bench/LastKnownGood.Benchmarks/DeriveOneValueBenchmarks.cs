using BenchmarkDotNet.Attributes;
using LastKnownGood.Registry;
using Perfolizer.Mathematics.OutlierDetection;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// Deriving a control set with one changed DWORD in a registry of 100,000 values
/// (<see cref="RegistryShape"/>): the hive's hash tree against a flat store that copies the set.
/// Every invocation writes a value no set held before, so every derive is a real change.
/// </summary>
/// <remarks>
/// 16 invocations an iteration: the hive collects garbage after every 64 sets retention drops,
/// so one measured iteration in four carries a collection, amortized over its writes.
/// No iteration is dropped as an outlier: collections and WAL checkpoints are part of the cost.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn, MinColumn, MaxColumn]
[SimpleJob(warmupCount: 3, iterationCount: 20, invocationCount: 16)]
[Outliers(OutlierMode.DontRemove)]
public class DeriveOneValueBenchmarks
{
    /// <summary>More writes than retention keeps (16), so measuring starts in the steady state.</summary>
    private const int PrimingWrites = 40;

    private readonly KeyPath[] _keys = Enumerable.Range(0, RegistryShape.ServiceCount)
        .Select(service => KeyPath.Parse(RegistryShape.ParametersPath(service))).ToArray();

    private BenchmarkDirectory _directory = null!;
    private Hive _hive = null!;
    private FlatControlSetStore _flat = null!;
    private uint _change;

    [GlobalSetup(Target = nameof(CloneControlSet))]
    public void SetUpFlatStore()
    {
        _directory = new BenchmarkDirectory();
        _flat = FlatControlSetStore.Create(_directory.File("flat.db"));
        _flat.AddValues(RegistryShape.Values());
        var derived = CloneControlSet();
        Require(_flat.CountValues(derived) == RegistryShape.ValueCount, $"the flat store's derived set does not hold {RegistryShape.ValueCount:N0} values");
        _flat.DropAllButDefault();
    }

    [GlobalSetup(Target = nameof(DeriveControlSet))]
    public void SetUpHive()
    {
        _directory = new BenchmarkDirectory();
        _hive = Hive.Create(_directory.File("hive.db"), TimeProvider.System);
        _hive.Write("bench", "100,000 values", editor =>
        {
            foreach (var (path, name, value) in RegistryShape.Values())
            {
                editor.SetValue(KeyPath.Parse(path), name, value);
            }
        });
        for (var i = 0; i < PrimingWrites; i++)
        {
            Require(DeriveControlSet().Changed, "a hive write of a new value created no control set");
        }

        var values = _hive.OpenKey(_hive.ReadSelect().Default, _keys[0])?.Values.Count;
        Require(values == RegistryShape.ValuesPerKey, $"the hive's Parameters key holds {values} values instead of {RegistryShape.ValuesPerKey}");
    }

    /// <summary>
    /// Baseline, modelling Windows: copy all 100,000 rows of the current set into a new set,
    /// then change one value, in one transaction.
    /// </summary>
    [Benchmark(Baseline = true)]
    public int CloneControlSet()
    {
        var change = ++_change;
        return _flat.DeriveWithValue(RegistryShape.ParametersPath((int)(change % RegistryShape.ServiceCount)), RegistryShape.ChangedValueName, RegistryValue.Dword(change));
    }

    /// <summary>
    /// The hive: write the changed key and its ancestors as new nodes, share every other node;
    /// includes retention and its periodic garbage collection.
    /// </summary>
    [Benchmark]
    public WriteResult DeriveControlSet()
    {
        var change = ++_change;
        var key = _keys[change % RegistryShape.ServiceCount];
        return _hive.Write("bench", "one value", editor => editor.SetValue(key, RegistryShape.ChangedValueName, RegistryValue.Dword(change)));
    }

    /// <summary>Not timed: keeps the flat store at one set between iterations, as retention keeps the hive bounded.</summary>
    [IterationCleanup(Target = nameof(CloneControlSet))]
    public void DropClones() => _flat.DropAllButDefault();

    [GlobalCleanup]
    public void CleanUp()
    {
        _hive?.Dispose();
        _flat?.Dispose();
        _directory?.Dispose();
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark setup failed: {what}.");
        }
    }
}
