using System.Diagnostics;
using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;
using static LastKnownGood.Tests.Kernel.ServiceControl.ServiceMachine;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary>Services (Type 0x10) as real child processes of a real kernel: start order, readiness, start failures, death and shutdown.</summary>
public sealed class ServiceProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    /// <summary>In every command line of this test's services and of what they start.</summary>
    private string Marker => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Services_StartAfterTheirDependencies_ReadyFromADescendant_StopInReverse_AndNothingOutlivesTheKernel()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            // Named to sort first: only the dependency puts Base before Api.
            ["Api"] = Shell(Marker, $"python3 -c \"{NotifyReady}\" \"$0\" & wait", ("Notify", 1), ("StartTimeout", 30), ("DependOnService", new[] { "Base" })),
            // It leaves a grandchild behind that no longer descends from it: the kernel ends that one too.
            ["Base"] = Shell(Marker, $"echo \"base says $GREETING\"; {Orphan}; {Sleep}", ("Environment", new[] { "GREETING=hello" })),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var log = kernel.StandardError;
        Assert.Contains("Base: base says hello", log);
        Assert.Contains("Api: status: up", log);
        Assert.True(log.IndexOf("started Base", StringComparison.Ordinal) < log.IndexOf("started Api", StringComparison.Ordinal), log);
        Assert.Matches(@"started Api \(pid \d+\): READY=1", log);
        Assert.True(Running(Marker).Count >= 4, "Base, its grandchild, Api's shell and its python3 run");

        Terminate(kernel.Id);

        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
        log = kernel.StandardError;
        Assert.True(log.IndexOf("stopped Api", StringComparison.Ordinal) < log.IndexOf("stopped Base", StringComparison.Ordinal), log);
        Assert.Contains("which a service left behind", log);
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ForgedReady_FromAProcessNotTheServices_IsIgnored_AndTheServiceFailsItsStartTimeout()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Waiter"] = Shell(Marker, $"echo \"socket=$NOTIFY_SOCKET\"; {Sleep}", ("Notify", 1), ("StartTimeout", 5)),
        });

        using var kernel = machine.StartKernel();
        var socket = (await kernel.WaitForErrorLineAsync(l => l.Contains("Waiter: socket=", StringComparison.Ordinal), Timeout)).Split("socket=")[1];
        using var forger = Process.Start(new ProcessStartInfo("python3", ["-c",
            "import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', sys.argv[1])", socket]))!;
        await forger.WaitForExitAsync();

        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var log = kernel.StandardError;
        Assert.Equal(0, forger.ExitCode);
        Assert.Contains($"Waiter: a notify message from pid {forger.Id}, which is not one of its processes, is ignored", log);
        Assert.Contains("Waiter failed to start: it did not send READY=1 on its NOTIFY_SOCKET within its start timeout of 5 s (ERROR_SERVICE_REQUEST_TIMEOUT", log);
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(2, KernelExitCodes.RebootWithLastKnownGood)]
    [InlineData(1, null)]
    public async Task ServiceThatExitsBeforeItIsReady_IsAStartFailure_UnderItsErrorControl(int errorControl, int? exit)
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Quitter"] = Shell(Marker, "echo giving up; exit 3", ("ErrorControl", errorControl), ("StartTimeout", 30)),
        });

        using var kernel = machine.StartKernel();

        await ExitsOrIsReadyAsync(kernel, exit);

        Assert.Contains("Quitter: giving up", kernel.StandardError);
        Assert.Contains("Quitter failed to start: it exited with code 3 before it was ready (ERROR_PROCESS_ABORTED (0xC007042B))", kernel.StandardError);
    }

    [Fact]
    public async Task SevereServiceThatFailsToStart_UnderTheBootManager_TheNextBootIsLastKnownGood()
    {
        using var machine = await CreateAsync(_temp, new() { ["Web"] = Shell(Marker, Sleep, ("ErrorControl", 2)) });
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");
        var good = machine.Select().Default;

        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Web", "Arguments", $@"-c\0echo broken; exit 3\0{Marker}", "--type", "multi_sz");
        var bad = machine.Select().Default;
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        Assert.Equal(
            [(good, BootMode.Normal, BootOutcome.Accepted), (bad, BootMode.Normal, BootOutcome.StartFailure), (good, BootMode.LastKnownGood, BootOutcome.Accepted)],
            machine.History().Select(b => (b.ControlSet, b.Mode, b.Outcome)));
        Assert.Contains("Web failed to start: it exited with code 3 before it was ready", machine.History()[1].EndReason);
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task DependentOfAComponentThatFailedToStart_DoesNotStart()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Broken"] = Shell(Marker, "exit 1"),
            ["Dependent"] = Shell(Marker, $"echo dependent ran; {Sleep}", ("DependOnService", new[] { "Broken" })),
            ["Grouped"] = Shell(Marker, $"echo grouped ran; {Sleep}", ("DependOnGroup", new[] { "Storage" })),
            ["Disk"] = Shell(Marker, "exit 1", ("Group", "Storage")),
        });

        using var kernel = machine.StartKernel();

        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var log = kernel.StandardError;
        Assert.Contains("Dependent failed to start: it depends on Broken, which did not start (ERROR_SERVICE_DEPENDENCY_FAIL (0xC007042C))", log);
        Assert.Contains("Grouped failed to start: it depends on group Storage, of which no member started (ERROR_SERVICE_DEPENDENCY_FAIL (0xC007042C))", log);
        Assert.DoesNotContain("dependent ran", log);
        Assert.DoesNotContain("grouped ran", log);
    }

    [Fact]
    public async Task CriticalService_KilledAfterItStarted_IsBugCheck0xEF()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Vital"] = Shell(Marker, Sleep, ("Critical", 1)),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var pid = int.Parse(StartedPid().Match(kernel.StandardError).Groups[1].Value, CultureInfo.InvariantCulture);
        Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]).WaitForExit();

        Assert.Equal(KernelExitCodes.BugCheck, await kernel.WaitForExitAsync(Timeout));
        var crash = Assert.Single(machine.Crashes());
        Assert.Equal((BugCheckCode.CriticalProcessDied, "Vital", (ulong)pid), (crash.Code, crash.Component, crash.Parameters[0]));
        Assert.Contains("exited with code 137", crash.Message);
    }

    [Fact]
    public async Task NonCriticalService_ThatDiesAfterItStarted_IsLogged_AndTheBootGoesOn()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Mortal"] = Shell(Marker, Sleep),
        });

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var pid = int.Parse(StartedPid().Match(kernel.StandardError).Groups[1].Value, CultureInfo.InvariantCulture);
        Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]).WaitForExit();

        await kernel.WaitForErrorLineAsync(l => l.Contains($"Mortal (pid {pid}) exited with code 137 after it started", StringComparison.Ordinal), Timeout);
        Terminate(kernel.Id);
        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
        Assert.Empty(machine.Crashes());
    }

    [Fact]
    public async Task RequiredHealthCheckThatHangs_FailsTheServicesStart_WhichIsStopped()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Checked"] = Shell(Marker, Sleep, ("ErrorControl", 2)),
        });
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Checked\Health\Hung", "Command", $"python3 -c 'import time; time.sleep(300)' {Marker}");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Checked\Health\Hung", "Timeout", "1", "--type", "dword");

        using var kernel = machine.StartKernel();

        Assert.Equal(KernelExitCodes.RebootWithLastKnownGood, await kernel.WaitForExitAsync(Timeout));
        Assert.Contains("Checked failed to start: its Required health check Hung failed: it did not pass within its timeout of 1 s", kernel.StandardError);
        Assert.Contains("stopped Checked", kernel.StandardError);
        Assert.Empty(await WaitForNoneAsync(Marker, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task RequiredHttpAndTcpChecks_PassAgainstARealServer_BeforeTheKernelIsReady()
    {
        var port = Nginx.FreePort();
        using var machine = await CreateAsync(_temp, new()
        {
            ["Web"] = Python(Marker, $"import http.server, sys; http.server.HTTPServer(('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler).serve_forever()",
                ("WorkingDirectory", _temp.Path)),
        });
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Web\Health\Page", "Http", $"http://127.0.0.1:{port}/");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Web\Health\Port", "Tcp", $"127.0.0.1:{port}");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Web\Health\Port", "Required", "0", "--type", "dword");

        using var kernel = machine.StartKernel();

        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        Assert.Contains("Web: Required health check Page passed", kernel.StandardError);
        Assert.Contains("Web: Wanted health check Port passed", kernel.StandardError);
    }

    [Fact]
    public async Task ReadyFromAProgramFasterThanProcessStart_IsBelieved()
    {
        // A C program's READY=1 can arrive before Process.Start has returned its pid; it was once refused as forged.
        var program = _temp.Combine("notify-now");
        using (var cc = Process.Start("cc", ["-O2", "-o", program, Path.Combine(Machines.MachineManifestTests.RepositoryRoot(), "test", "Tools", "NotifyNow", "notify-now.c")])!)
        {
            await cc.WaitForExitAsync();
            Assert.Equal(0, cc.ExitCode);
        }

        var services = Enumerable.Range(1, 5).ToDictionary(i => $"Fast{i}", _ =>
            new Dictionary<string, object> { ["Type"] = 16, ["Start"] = 2, ["ErrorControl"] = 1, ["ImagePath"] = program, ["Notify"] = 1, ["StartTimeout"] = 10 });
        using var machine = await CreateAsync(_temp, services);

        using var kernel = machine.StartKernel();

        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        var log = kernel.StandardError;
        Assert.DoesNotContain("is ignored", log);
        Assert.All(services.Keys, name => Assert.Matches($@"started {name} \(pid \d+\): READY=1", log));
        Terminate(kernel.Id);
        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
    }

    /// <summary>Waits for the kernel to exit with <paramref name="exit"/>, or, when that is null, to be ready.</summary>
    private static async Task ExitsOrIsReadyAsync(ChildProcess kernel, int? exit)
    {
        if (exit is { } expected)
        {
            Assert.Equal(expected, await kernel.WaitForExitAsync(Timeout));
        }
        else
        {
            await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        }
    }
}
