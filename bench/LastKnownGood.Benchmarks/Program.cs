using BenchmarkDotNet.Running;

namespace LastKnownGood.Benchmarks;

public static class Program
{
    /// <summary>BenchmarkDotNet's switcher, or <c>interleaved [pairs] [operations]</c> for <see cref="InterleavedPoolHarness"/>.</summary>
    public static void Main(string[] args)
    {
        if (args is ["interleaved", .. var rest])
        {
            InterleavedPoolHarness.Run(rest);
            return;
        }

        _ = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
