using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;
using static LastKnownGood.Tests.Kernel.ServiceControl.ServiceMachine;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary><c>lkg service start|stop</c> against a real <c>lkg boot</c>: its kernel's control socket, real services, real dependencies.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServiceControlProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Marker(string service) => _temp.Combine($"marker-{service}");

    [Fact]
    public async Task StartAndStop_ActOnTheRunningBoot_WithDependencies_DependentsAndRefusals_AndTheBootShutsDownClean()
    {
        using var machine = await CreateAsync(_temp, new()
        {
            ["Db"] = Shell(Marker("db"), Sleep, ("Start", 3)),
            ["Web"] = Python(Marker("web"), NotifyReady, ("Start", 3), ("Notify", 1), ("StartTimeout", 10), ("DependOnService", new[] { "Db" })),
            ["Guard"] = Shell(Marker("guard"), Sleep, ("Critical", 1)),
            ["Off"] = Shell(Marker("off"), Sleep, ("Start", 4)),
            ["Brief"] = Python(Marker("brief"), $"{Notifier}notify('READY=1')\ntime.sleep(0.3)\nsys.exit(1)", ("Start", 3), ("Notify", 1), ("StartTimeout", 10), ("FailureActions", new[] { "none" })),
        });

        using (var manager = machine.StartBoot("--timeout", "90s"))
        {
            await WaitForControlSocketAsync(machine);
            Assert.Empty(Running(Marker("web")));

            // Web starts, and Db, which it depends on, first.
            var started = await machine.LkgAsync("service", "start", "Web", "--json");
            var web = JsonDocument.Parse(started.Output).RootElement.GetProperty("processId").GetInt32();
            Assert.Equal([web], Running(Marker("web")));
            Assert.Single(Running(Marker("db")));
            Assert.Equal($"Web runs already (pid {web}).", (await machine.LkgAsync("service", "start", "Web")).Output.Trim());

            var dependent = await machine.TryLkgAsync("service", "stop", "Db");
            Assert.Equal((1, "Db cannot stop while Web depends on it; stop it first."), (dependent.ExitCode, dependent.Error.Trim()));
            Assert.Single(Running(Marker("db")));

            Assert.Equal($"Web stopped (pid {web}).", (await machine.LkgAsync("service", "stop", "Web")).Output.Trim());
            Assert.Empty(await WaitForNoneAsync(Marker("web"), Timeout));
            Assert.Equal("Web is not running.", (await machine.LkgAsync("service", "stop", "Web")).Output.Trim());
            await machine.LkgAsync("service", "stop", "Db");
            Assert.Empty(await WaitForNoneAsync(Marker("db"), Timeout));

            // A Critical service stopped by request is not a death: no bug check 0xEF.
            await machine.LkgAsync("service", "stop", "Guard");
            Assert.Empty(await WaitForNoneAsync(Marker("guard"), Timeout));

            var disabled = await machine.TryLkgAsync("service", "start", "Off");
            Assert.Equal(1, disabled.ExitCode);
            Assert.Contains("Off did not start: it is disabled (Start 4)", disabled.Error);
            Assert.Empty(Running(Marker("off")));
            var missing = await machine.TryLkgAsync("service", "start", "Nope");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains(@"has no Services\Nope", missing.Error);

            // Started again after its stop: a new process.
            await machine.LkgAsync("service", "start", "Web");
            Assert.NotEqual([web], Running(Marker("web")));

            // A service down for good after its FailureActions is not running, and starts again.
            await machine.LkgAsync("service", "start", "Brief");
            for (var deadline = DateTime.UtcNow + Timeout; !(await machine.LkgAsync("logs", "-u", "kernel")).Output.Contains("failure 1: none; it stays stopped", StringComparison.Ordinal); await Task.Delay(100))
            {
                Assert.True(DateTime.UtcNow < deadline, "Brief did not exit after it started");
            }

            Assert.Equal("Brief is not running.", (await machine.LkgAsync("service", "stop", "Brief")).Output.Trim());
            Assert.StartsWith("Brief started (pid ", (await machine.LkgAsync("service", "start", "Brief")).Output.Trim());

            // lkg status shows each as the kernel reported it, once its event log's writer has written the report.
            (string?, string?) states = default;
            for (var deadline = DateTime.UtcNow + Timeout; states != ("running", "stopped") && DateTime.UtcNow < deadline; await Task.Delay(100))
            {
                var status = JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement;
                states = (State(status, "Web"), State(status, "Guard"));
            }

            Assert.Equal(("running", "stopped"), states);

            await machine.LkgAsync("shutdown");
            Assert.Equal(0, await manager.WaitForExitAsync(Timeout));
        }

        Assert.Equal(BootOutcome.Shutdown, machine.History().Single().Outcome);
        Assert.Empty(machine.Crashes());
        var log = (await machine.LkgAsync("logs", "-u", "kernel")).Output;
        Assert.Contains($"Web stopped (pid ", log);
        Assert.Contains("as lkg service stop asked", log);
        Assert.Contains("refused stop Db from pid ", log);
        Assert.Empty(await machine.WaitForNoProcessesAsync(TimeSpan.FromSeconds(10)));
        Assert.False(File.Exists(machine.Directory.ControlSocketPath) && CanConnect(machine.Directory.ControlSocketPath), "the control socket closes with its boot");
    }

    [Fact]
    public async Task ControlSocket_AnswersOnlyItsOwnUserAndRoot_AndABadFrameIsRefused_WhileTheBootRunsOn()
    {
        using var machine = await CreateAsync(_temp, new() { ["Db"] = Shell(Marker("db"), Sleep, ("Start", 3)) });
        Assert.True(Environment.UserName == "root", "this test runs a client as another user, which needs root (as CI runs)");

        using (var manager = machine.StartBoot("--timeout", "90s"))
        {
            await WaitForControlSocketAsync(machine);
            // Another user may reach the socket (the directories and the socket opened to all): the kernel's check of its credentials is what refuses.
            for (var directory = machine.Directory.RunPath; directory.Length > Path.GetTempPath().Length; directory = Path.GetDirectoryName(directory)!)
            {
                File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.OtherExecute);
            }

            File.SetUnixFileMode(machine.Directory.ControlSocketPath, (UnixFileMode)0x1ff);

            // A ServiceStart frame for "Db": a 12-byte header (length, type 13, 0, request 1), then the name as a u32 length and its bytes.
            var nobody = await RunClientAsync(machine, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], 13, "Db");
            Assert.Contains("status c0000022", nobody);
            Assert.Contains("runs as user 65534", nobody);
            Assert.Empty(Running(Marker("db")));

            // A frame of the user-mode driver protocol that is no request of this socket: the connection ends unanswered.
            Assert.Contains("no answer", await RunClientAsync(machine, [], 3, "Db"));

            Assert.Contains("status 0", await RunClientAsync(machine, [], 13, "Db"));
            Assert.Single(Running(Marker("db")));

            await machine.LkgAsync("shutdown");
            Assert.Equal(0, await manager.WaitForExitAsync(Timeout));
        }

        var log = (await machine.LkgAsync("logs", "-u", "kernel")).Output;
        Assert.Contains("refused start Db from pid ", log);
        Assert.Contains("the control socket takes ServiceStart and ServiceStop frames, not QueryValue", log);
    }

    private static string? State(JsonElement status, string name) =>
        status.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("state").GetString();

    private static async Task WaitForControlSocketAsync(TestMachine machine)
    {
        for (var deadline = DateTime.UtcNow + Timeout; !CanConnect(machine.Directory.ControlSocketPath); await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "the boot's kernel did not open its control socket");
        }
    }

    private static bool CanConnect(string path)
    {
        try
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>A python3 client, run through <paramref name="prefix"/>, that sends one frame of <paramref name="type"/> naming <paramref name="service"/> and prints the answer.</summary>
    private static async Task<string> RunClientAsync(TestMachine machine, string[] prefix, int type, string service)
    {
        const string Client = """
            import socket, struct, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sys.argv[1])
            name = sys.argv[3].encode()
            payload = struct.pack('<I', len(name)) + name
            s.sendall(struct.pack('<IHHI', len(payload), int(sys.argv[2]), 0, 1) + payload)
            data = b''
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            if len(data) < 20:
                print('no answer')
            else:
                status, pid, length = struct.unpack('<III', data[12:24])
                print('status %x pid %d %s' % (status, pid, data[24:24 + length].decode()))
            """;
        var start = new ProcessStartInfo(prefix.Length > 0 ? prefix[0] : "/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in prefix.Skip(1).Concat(prefix.Length > 0 ? ["/usr/bin/python3"] : []).Concat(["-c", Client, machine.Directory.ControlSocketPath, $"{type}", service]))
        {
            start.ArgumentList.Add(argument);
        }

        using var client = Process.Start(start)!;
        var output = await client.StandardOutput.ReadToEndAsync();
        var error = await client.StandardError.ReadToEndAsync();
        await client.WaitForExitAsync();
        Assert.True(client.ExitCode == 0, $"the client failed ({client.ExitCode}): {error}");
        return output;
    }
}
