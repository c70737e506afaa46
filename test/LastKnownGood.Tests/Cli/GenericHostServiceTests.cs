using System.Diagnostics;
using System.Text.RegularExpressions;
using LastKnownGood.Boot;
using LastKnownGood.Cli;
using LastKnownGood.Internal;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// Issue 12's second real program: a .NET Generic Host worker (samples/Programs/HostedWorker)
/// whose Microsoft.Extensions.Hosting.Systemd lifetime sends READY=1, installed with
/// <c>lkg service create --notify</c> and run by a real kernel.
/// </summary>
public sealed partial class GenericHostServiceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(1.5);

    private static string Output => Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "Programs", "HostedWorker", "bin", TestMachine.BuildConfiguration, "net10.0");

    [Fact]
    public async Task GenericHostWorker_IsStartedByItsReadyAfterItsStartDelay_AndStopsCleanlyOnSigterm()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("service", "create", "HostedWorker", "--command", CommandWords.Join(["dotnet", Path.Combine(Output, "HostedWorker.dll")]),
            "--arg", "--StartDelay", "--arg", $"{StartDelay}", "--notify", "--working-directory", Output);

        var clock = Stopwatch.StartNew();
        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var upAfter = clock.Elapsed;
        var log = kernel.StandardError;
        Assert.Contains("HostedWorker: HostedWorker: the host starts in 1500 ms", log);
        Assert.Matches(@"kernel: started HostedWorker \(pid \d+\): READY=1", log);
        Assert.DoesNotContain("failed to start", log);
        // The kernel waited for READY=1, which the host sends once started: after the delay before it.
        Assert.True(upAfter >= StartDelay, $"ready after {upAfter}");
        Assert.True(log.IndexOf("the host starts in", StringComparison.Ordinal) < log.IndexOf("started HostedWorker (", StringComparison.Ordinal), log);

        Assert.Equal(0, Libc.Kill(kernel.Id, Libc.SignalTerm));

        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
        log = kernel.StandardError;
        Assert.Contains("Application is shutting down", log);
        Assert.Contains("kernel: HostedWorker is stopping (STOPPING=1)", log);
        Assert.Contains("HostedWorker: HostedWorker: the host has stopped", log);
        // Stopped by its SIGTERM, not killed after the stop timeout.
        Assert.Matches(StoppedCleanly(), log);
        Assert.DoesNotContain("stopped HostedWorker: killed", log);
    }

    [GeneratedRegex(@"(?m)kernel: stopped HostedWorker\r?$")]
    private static partial Regex StoppedCleanly();
}
