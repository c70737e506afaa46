using System.Security.Cryptography;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

public sealed class BlobStoreTests : IDisposable
{
    private static readonly KeyPath Content = KeyPath.Parse(@"Services\Sensor\Content");

    private readonly TempDirectory _temp = new();
    private readonly Hive _hive;

    public BlobStoreTests() => _hive = Hive.Create(_temp.Combine("system.db"), TimeProvider.System);

    public void Dispose()
    {
        _hive.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void LargeFile_StreamsInAndOut_WithoutHoldingItInMemory()
    {
        const long size = 96L * 1024 * 1024;
        const long budget = 8L * 1024 * 1024;
        using var expected = SHA256.Create();
        var expectedHash = expected.ComputeHash(new PatternStream(size, seed: 7));

        var before = GC.GetAllocatedBytesForCurrentThread();
        _hive.Write("test", "big", e => e.SetValue(Content, "big.bin", RegistryValue.File(e.StoreFile(new PatternStream(size, seed: 7), "big.bin"))));
        var writeAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var file = _hive.OpenKey(1, Content)!.Values.Single().Value.AsFile();
        before = GC.GetAllocatedBytesForCurrentThread();
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var stream = _hive.OpenFile(file))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hasher.AppendData(buffer, 0, read);
            }
        }

        var readAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(size, file.Size);
        Assert.Equal(expectedHash, hasher.GetHashAndReset());
        Assert.Equal(Convert.ToHexStringLower(expectedHash), file.Hash.ToString());
        Assert.True(writeAllocated < budget, $"storing {size:N0} bytes allocated {writeAllocated:N0}");
        Assert.True(readAllocated < budget, $"reading {size:N0} bytes allocated {readAllocated:N0}");
    }

    [Fact]
    public void SameContentTwice_IsStoredOnce()
    {
        _hive.Write("test", "a", e => e.SetValue(Content, "a.sys", RegistryValue.File(e.StoreFile(new PatternStream(300_000), "a.sys"))));
        _hive.Write("test", "b", e => e.SetValue(Content, "b.sys", RegistryValue.File(e.StoreFile(new PatternStream(300_000), "b.sys"))));

        var values = _hive.OpenKey(2, Content)!.Values;
        Assert.Equal(values[0].Value.AsFile().Hash, values[1].Value.AsFile().Hash);
        Assert.Equal(new VerificationReport(4, 2), _hive.VerifyControlSet(2, contents: true));
    }

    [Fact]
    public void EmptyFile_RoundTrips()
    {
        _hive.Write("test", "empty", e => e.SetValue(Content, "empty", RegistryValue.File(e.StoreFile(new MemoryStream(), "empty"))));

        using var stream = _hive.OpenFile(_hive.OpenKey(1, Content)!.Values.Single().Value.AsFile());
        Assert.Equal(-1, stream.ReadByte());
    }
}
