using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LastKnownGood.Kernel.Pool;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// The pool against native memory in one process, batch against batch: a batch of allocate-and-free
/// pairs from <see cref="NativeMemory"/>, then one from the pool, and again, so that both sides see
/// the same machine at nearly the same moment. On a shared, noisy machine the median of the
/// per-pair ratios moves far less than a ratio of two separate runs. Each batch is timed twice:
/// wall time, and the thread's CPU time, which leaves out the time other processes take from it.
/// Run with
/// <c>dotnet run -c Release -- interleaved [pairs] [operations]</c>.
/// </summary>
/// <remarks>
/// Both sides first get the same 1,000 live blocks of mixed sizes, as in <see cref="PoolBenchmarks"/>.
/// A batch is short (20,000 pairs, well under a millisecond) so that a busy machine seldom
/// preempts one in the middle: with batches of 100,000 pairs on a loaded 2-core machine, the pool's
/// longer batches were preempted far more often than malloc's, and wall time gave 5x where CPU time gave 2.5x.
/// A warm-up of a second or more lets tiered compilation reach its final code before any batch counts.
/// </remarks>
public static unsafe class InterleavedPoolHarness
{
    private const int LiveBlocks = 1000;
    private const int BenchmarkOwner = 1;
    private const int BackgroundOwner = 2;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private static readonly uint Tag = PoolTag.Parse("Bnch");

    public static void Run(string[] args)
    {
        var pairs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 41;
        var operations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        Console.WriteLine($"{pairs} pairs of batches of {operations:N0} allocate-and-free pairs, NativeMemory first; medians");
        Console.WriteLine("size    clock  NativeMemory  KernelPool  ratio (median of pairs)  middle half of ratios  pool allocated");
        using var pool = new KernelPool();
        var nativeLive = new List<nint>();
        var random = new Random(1);
        for (var i = 0; i < LiveBlocks; i++)
        {
            var size = random.Next(1, 2000);
            nativeLive.Add((nint)NativeMemory.Alloc((nuint)size));
            _ = pool.Allocate(size, Tag, BackgroundOwner) ?? throw new InvalidOperationException($"The pool could not hold {LiveBlocks} live blocks.");
        }

        foreach (var size in (int[])[64, 4096])
        {
            Measure(pool, size, pairs, operations);
        }

        nativeLive.ForEach(memory => NativeMemory.Free((void*)memory));
    }

    private static void Measure(KernelPool pool, int size, int pairs, int operations)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < WarmUp)
        {
            _ = Native(size, operations / 10);
            _ = Pool(pool, size, operations / 10);
        }

        var native = new Batch[pairs];
        var kernel = new Batch[pairs];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < pairs; i++)
        {
            native[i] = Native(size, operations);
            kernel[i] = Pool(pool, size, operations);
        }

        var perPair = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / ((long)pairs * operations);
        Report(size, "wall", [.. native.Select(b => b.WallNanoseconds)], [.. kernel.Select(b => b.WallNanoseconds)], perPair);
        Report(size, "cpu", [.. native.Select(b => b.CpuNanoseconds)], [.. kernel.Select(b => b.CpuNanoseconds)], perPair);
    }

    private static void Report(int size, string clock, double[] native, double[] kernel, double perPair)
    {
        var ratios = native.Zip(kernel, (n, k) => k / n).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{size,5} B  {clock,-5}  {Median(native),9:F2} ns  {Median(kernel),7:F2} ns  {Median(ratios),10:F2}x              {ratios[ratios.Length / 4]:F2}..{ratios[ratios.Length * 3 / 4]:F2}x           {perPair:F0} B"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Batch Native(int size, int operations)
    {
        var (wall, cpu) = (Stopwatch.GetTimestamp(), ThreadCpuTime.Nanoseconds());
        for (var i = 0; i < operations; i++)
        {
            var memory = NativeMemory.Alloc((nuint)size);
            NativeMemory.Free(memory);
        }

        return new Batch(wall, cpu, operations);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Batch Pool(KernelPool pool, int size, int operations)
    {
        var (wall, cpu) = (Stopwatch.GetTimestamp(), ThreadCpuTime.Nanoseconds());
        for (var i = 0; i < operations; i++)
        {
            var block = pool.Allocate(size, Tag, BenchmarkOwner)!;
            pool.Free(block, Tag, BenchmarkOwner);
        }

        return new Batch(wall, cpu, operations);
    }

    /// <summary>Nanoseconds per pair over one batch, by each clock, from the batch's start to now.</summary>
    private readonly record struct Batch(double WallNanoseconds, double CpuNanoseconds)
    {
        public Batch(long wallStart, long cpuStart, int operations)
            : this(Stopwatch.GetElapsedTime(wallStart).TotalNanoseconds / operations, (double)(ThreadCpuTime.Nanoseconds() - cpuStart) / operations)
        {
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
