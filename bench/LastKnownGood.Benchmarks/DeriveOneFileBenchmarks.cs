using BenchmarkDotNet.Attributes;
using LastKnownGood.Registry;
using Perfolizer.Mathematics.OutlierDetection;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// Deriving a control set with one 1 MiB content file replaced among 1 GiB of content
/// (<see cref="ContentFiles"/>): the hive's hash tree and blob store against a flat store that
/// copies the set with all its file bytes. Each iteration's new file has bytes no file had before.
/// </summary>
/// <remarks>
/// One derive an iteration, since the baseline copies 1 GiB each time; BenchmarkDotNet's
/// MinIterationTime warning for the hive's few-millisecond iterations is expected. The hive
/// collects garbage after every 64 sets retention drops, so at most one of the 16 measured derives
/// carries a collection: the median leaves it out, the mean spreads it, the maximum shows it. No
/// iteration is dropped as an outlier.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn, MinColumn, MaxColumn]
[SimpleJob(warmupCount: 1, iterationCount: 16, invocationCount: 1)]
[Outliers(OutlierMode.DontRemove)]
public class DeriveOneFileBenchmarks
{
    /// <summary>More writes than retention keeps (16), so measuring starts in the steady state.</summary>
    private const int PrimingWrites = 24;

    private readonly KeyPath[] _keys = Enumerable.Range(0, ContentFiles.FileCount)
        .Select(service => KeyPath.Parse(RegistryShape.ParametersPath(service))).ToArray();

    private readonly byte[] _content = new byte[ContentFiles.FileSize];

    private BenchmarkDirectory _directory = null!;
    private Hive _hive = null!;
    private FlatControlSetStore _flat = null!;
    private int _change;
    private int _target;

    [GlobalSetup(Target = nameof(CloneControlSet))]
    public void SetUpFlatStore()
    {
        _directory = new BenchmarkDirectory();
        _flat = FlatControlSetStore.Create(_directory.File("flat.db"));
        for (var service = 0; service < ContentFiles.FileCount; service++)
        {
            ContentFiles.Fill(_content, service);
            _flat.AddFile(RegistryShape.ParametersPath(service), ContentFiles.ValueName, ContentFiles.FileName(service), _content);
        }

        const long totalBytes = (long)ContentFiles.FileCount * ContentFiles.FileSize;
        var bytes = _flat.CountFileBytes(_flat.Default);
        Require(bytes == totalBytes, $"the flat store holds {bytes:N0} bytes of content instead of {totalBytes:N0}");
    }

    [GlobalSetup(Target = nameof(DeriveControlSet))]
    public void SetUpHive()
    {
        _directory = new BenchmarkDirectory();
        _hive = Hive.Create(_directory.File("hive.db"), TimeProvider.System);
        // 64 files a transaction keeps the setup's WAL small; these sets fall to retention later.
        const int filesPerWrite = 64;
        for (var first = 0; first < ContentFiles.FileCount; first += filesPerWrite)
        {
            _hive.Write("bench", "1 GiB of content", editor =>
            {
                for (var service = first; service < first + filesPerWrite; service++)
                {
                    ContentFiles.Fill(_content, service);
                    using var stream = new MemoryStream(_content, writable: false);
                    var file = editor.StoreFile(stream, ContentFiles.FileName(service));
                    editor.SetValue(_keys[service], ContentFiles.ValueName, RegistryValue.File(file));
                }
            });
        }

        for (var i = 0; i < PrimingWrites; i++)
        {
            NextContent();
            Require(DeriveControlSet().Changed, "a hive write of a new file created no control set");
        }
    }

    /// <summary>Not timed: makes the bytes of a file that no set held before, and picks the file it replaces.</summary>
    [IterationSetup]
    public void NextContent()
    {
        _change++;
        _target = _change % ContentFiles.FileCount;
        ContentFiles.Fill(_content, ContentFiles.FileCount + _change);
    }

    /// <summary>
    /// Baseline, modelling Windows: copy every value and all 1 GiB of file bytes of the current
    /// set into a new set, then replace one file, in one transaction.
    /// </summary>
    [Benchmark(Baseline = true)]
    public int CloneControlSet() =>
        _flat.DeriveWithFile(RegistryShape.ParametersPath(_target), ContentFiles.ValueName, ContentFiles.FileName(_target), _content);

    /// <summary>
    /// The hive: stream the new file into the blob store, write the changed key and its ancestors;
    /// includes retention and its periodic garbage collection.
    /// </summary>
    [Benchmark]
    public WriteResult DeriveControlSet()
    {
        var key = _keys[_target];
        var name = ContentFiles.FileName(_target);
        return _hive.Write("bench", "one file", editor =>
        {
            using var stream = new MemoryStream(_content, writable: false);
            var file = editor.StoreFile(stream, name);
            editor.SetValue(key, ContentFiles.ValueName, RegistryValue.File(file));
        });
    }

    /// <summary>Not timed: drops the 1 GiB copy so the flat store does not grow by a gigabyte an iteration.</summary>
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
