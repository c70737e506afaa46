using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using LastKnownGood.Drivers;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// The code integrity check the kernel runs before every driver load, on a package of 10 files
/// and 1 MiB (driver.json, the entry assembly and 8 dependencies, two of them in a subdirectory),
/// against the floor of reading and hashing the same 1 MiB as one file. The files sit in the page
/// cache, as they do after the first boot; a cold disk adds its read time to both.
/// </summary>
[MemoryDiagnoser]
[MedianColumn, MinColumn, MaxColumn]
public class VerifyPackageBenchmarks
{
    private const int TotalSize = 1024 * 1024;
    private const int Dependencies = 8;

    private BenchmarkDirectory _directory = null!;
    private SigningKey _key = null!;
    private CodeIntegrityPolicy _policy = null!;
    private string _package = null!;
    private string _oneFile = null!;

    [GlobalSetup]
    public void SetUp()
    {
        _directory = new BenchmarkDirectory();
        _package = Path.Combine(_directory.Path, "Sensor");
        Directory.CreateDirectory(Path.Combine(_package, "lib"));
        var bytes = new byte[TotalSize - 200];
        ContentFiles.Fill(bytes, seed: 291);
        var entry = bytes.Length / 2;
        var dependency = (bytes.Length - entry) / Dependencies;
        File.WriteAllBytes(Path.Combine(_package, "Sensor.dll"), bytes[..entry]);
        for (var i = 0; i < Dependencies; i++)
        {
            var name = i < 2 ? $"lib/Dependency{i}.dll" : $"Dependency{i}.dll";
            File.WriteAllBytes(Path.Combine(_package, name), bytes[(entry + (i * dependency))..(entry + ((i + 1) * dependency))]);
        }

        File.WriteAllText(Path.Combine(_package, "driver.json"), """{"name": "Sensor", "version": "7.11.0", "assembly": "Sensor.dll", "type": "Sensor.SensorDriver"}""");
        _key = SigningKey.Create("release");
        PackageSigner.Sign(_package, _key);
        _policy = new CodeIntegrityPolicy([KeyValuePair.Create("release", _key.PublicKey.ToArray())], testSigning: false);
        _oneFile = Path.Combine(_directory.Path, "one.bin");
        File.WriteAllBytes(_oneFile, bytes);

        var files = Directory.EnumerateFiles(_package, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != PackageSignature.FileName).ToList();
        var size = files.Sum(f => new FileInfo(f).Length);
        if (files.Count != 10 || size is < TotalSize - 1024 or > TotalSize || !Verify().Succeeded)
        {
            throw new InvalidOperationException($"Benchmark setup failed: the package holds {files.Count} files of {size:N0} bytes, or does not verify.");
        }
    }

    /// <summary>Baseline: read and SHA-256 the package's bytes as one file, the least any check of them costs.</summary>
    [Benchmark(Baseline = true)]
    public byte[] HashOneFile()
    {
        using var stream = File.OpenRead(_oneFile);
        return SHA256.HashData(stream);
    }

    /// <summary>The whole check: list, hash every file, compare the digest, verify the ECDSA signature, look up trust, read driver.json.</summary>
    [Benchmark]
    public CodeIntegrityResult Verify() => CodeIntegrity.Check(_package, _policy);

    [GlobalCleanup]
    public void CleanUp()
    {
        _key?.Dispose();
        _directory?.Dispose();
    }
}
