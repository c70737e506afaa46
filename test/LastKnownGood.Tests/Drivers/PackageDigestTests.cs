using System.Security.Cryptography;
using System.Text;
using LastKnownGood.Drivers;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Drivers;

public sealed class PackageDigestTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The format is a contract with the kernel integrator: this spells it out independently.</summary>
    [Fact]
    public void Compute_MatchesTheDocumentedFormat()
    {
        var package = _temp.Combine("p");
        Directory.CreateDirectory(Path.Combine(package, "lib", "x"));
        var files = new Dictionary<string, byte[]>
        {
            ["b.dll"] = [1, 2, 3],
            ["B.dll"] = [4],
            ["lib/x/deep.dll"] = [],
            ["lib/a.dll"] = Encoding.UTF8.GetBytes("a"),
            [".hidden"] = [5],
            ["driver.json"] = Encoding.UTF8.GetBytes("{}"),
        };
        foreach (var (path, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(package, path), bytes);
        }

        File.WriteAllText(Path.Combine(package, "signature.json"), "excluded");
        File.WriteAllText(Path.Combine(package, "lib", "signature.json"), "only the top-level one is excluded");
        files["lib/signature.json"] = Encoding.UTF8.GetBytes("only the top-level one is excluded");

        var text = string.Concat(files.Keys.Order(StringComparer.Ordinal)
            .Select(path => $"{Convert.ToHexStringLower(SHA256.HashData(files[path]))}  {path}\n"));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(expected, PackageDigest.Compute(package));
    }

    [Fact]
    public void Compute_LargeFile_StreamsAndMatchesAWholeFileHash()
    {
        var package = _temp.Combine("p");
        Directory.CreateDirectory(package);
        using (var file = File.Create(Path.Combine(package, "big.bin")))
        {
            new PatternStream(5 * 1024 * 1024 + 7).CopyTo(file);
        }

        var line = $"{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(package, "big.bin"))))}  big.bin\n";

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(line))), PackageDigest.Compute(package));
    }

    [Fact]
    public void Compute_EmptyDirectoryAdded_DoesNotChangeTheDigest()
    {
        var package = DriverPackages.Create(_temp.Combine("p"));
        var before = PackageDigest.Compute(package);

        Directory.CreateDirectory(Path.Combine(package, "empty"));

        Assert.Equal(before, PackageDigest.Compute(package));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("0123456789abcdef", false)]
    [InlineData("Sensor", false)]
    public void IsDigest_AcceptsOnlyLowercaseSha256Hex(string text, bool expected) =>
        Assert.Equal(expected, PackageDigest.IsDigest(text));
}
