namespace LastKnownGood.Benchmarks;

/// <summary>
/// A fresh directory under the system temp directory for one benchmark's databases, so the
/// hive and the baseline store sit on the same disk; deleted with everything in it on dispose.
/// </summary>
internal sealed class BenchmarkDirectory : IDisposable
{
    public BenchmarkDirectory() =>
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lkg-bench-{Guid.NewGuid():N}")).FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
