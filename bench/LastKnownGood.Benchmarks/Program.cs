using System.Globalization;
using BenchmarkDotNet.Running;
using LastKnownGood.Machines;

namespace LastKnownGood.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs the benchmarks; <c>write-history MACHINE N [accepted]</c> instead gives an existing machine
    /// N boots of <see cref="MachineHistory"/>, for the end-to-end scripts, and <c>interleaved [pairs]
    /// [operations]</c> runs <see cref="InterleavedPoolHarness"/>.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args is ["write-history", var root, var boots, .. var shape] && shape is [] or ["accepted"])
        {
            using var hive = new MachineDirectory(root).OpenHive(TimeProvider.System);
            MachineHistory.Write(hive, int.Parse(boots, CultureInfo.InvariantCulture), accepted: shape is ["accepted"]);
            return;
        }

        if (args is ["interleaved", .. var rest])
        {
            InterleavedPoolHarness.Run(rest);
            return;
        }

        _ = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
