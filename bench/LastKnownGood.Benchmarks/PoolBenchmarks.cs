using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// One allocate-and-free pair from the kernel pool against the same pair from native memory. The
/// goal is a pool pair of at most twice the native pair; docs/pool.md says what was measured.
/// </summary>
/// <remarks>
/// The baseline is <see cref="NativeMemory.Alloc(nuint)"/> and <see cref="NativeMemory.Free"/>
/// (malloc and free). Both sides first get the same 1,000 live blocks of mixed sizes, so neither
/// runs on an empty heap.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn, MinColumn, MaxColumn]
public unsafe class PoolBenchmarks
{
    private const int LiveBlocks = 1000;
    private const int BenchmarkOwner = 1;
    private const int BackgroundOwner = 2;

    private static readonly uint Tag = PoolTag.Parse("Bnch");

    private readonly List<nint> _nativeLive = [];
    private KernelPool _pool = null!;

    [Params(64, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void SetUp()
    {
        _pool = new KernelPool();
        var random = new Random(1);
        for (var i = 0; i < LiveBlocks; i++)
        {
            var size = random.Next(1, 2000);
            _nativeLive.Add((nint)NativeMemory.Alloc((nuint)size));
            if (_pool.Allocate(size, Tag, BackgroundOwner) is null)
            {
                throw new InvalidOperationException($"Benchmark setup failed: the pool could not hold {LiveBlocks} live blocks.");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public nint NativeMemoryAllocateAndFree()
    {
        var memory = NativeMemory.Alloc((nuint)Size);
        NativeMemory.Free(memory);
        return (nint)memory;
    }

    [Benchmark]
    public nint KernelPoolAllocateAndFree()
    {
        var block = _pool.Allocate(Size, Tag, BenchmarkOwner)!;
        _pool.Free(block, Tag, BenchmarkOwner);
        return block.Address;
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _nativeLive.ForEach(memory => NativeMemory.Free((void*)memory));
        _nativeLive.Clear();
        _pool?.Dispose();
    }
}
