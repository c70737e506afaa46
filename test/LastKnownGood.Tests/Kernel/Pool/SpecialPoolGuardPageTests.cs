using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel.Pool;

/// <summary>
/// The guard page is real memory protection: a raw store one byte past a special pool block,
/// which no bounds check sees, kills the process in hardware. Run in a child process, since it must die.
/// </summary>
public sealed class SpecialPoolGuardPageTests
{
    /// <summary>The runtime turns the SIGSEGV into a fatal AccessViolationException and aborts: 128 + SIGABRT.</summary>
    private const int AbortedBySignal = 128 + 6;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RawWrite_OnTheBlocksLastByte_Succeeds_AndOneBytePast_FaultsInHardware()
    {
        using var inside = ChildProcess.Start("HiveChild", ["special-pool-write", "63"]);
        using var past = ChildProcess.Start("HiveChild", ["special-pool-write", "64"]);

        var insideExit = await inside.WaitForExitAsync(Timeout);
        var pastExit = await past.WaitForExitAsync(Timeout);

        Assert.Equal(0, insideExit);
        Assert.Equal(["allocated", "wrote"], inside.Lines);
        Assert.Equal(AbortedBySignal, pastExit);
        Assert.Contains("System.AccessViolationException", past.StandardError);
        Assert.Equal(["allocated"], past.Lines);
    }
}
