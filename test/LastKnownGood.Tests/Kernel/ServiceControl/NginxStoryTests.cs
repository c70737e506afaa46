using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary>
/// Debian's nginx (<c>nginx-light</c>, which <c>.ci/run</c> installs) supervised as a service whose
/// nginx.conf is a tracked file: a bad edit made through <c>lkg reg set --type file</c> fails its
/// start, ErrorControl Severe boots Last Known Good, and that boot puts the good file back.
/// </summary>
public sealed class NginxStoryTests : IDisposable
{
    private const string Nginx = "/usr/sbin/nginx";
    private const string ConfigKey = @"SYSTEM\CurrentControlSet\Services\Web\TrackedFiles";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BadNginxConf_WrittenThroughLkg_FailsItsStart_AndLastKnownGoodRestoresTheFile_AndNginxAnswers()
    {
        Assert.True(File.Exists(Nginx), $"{Nginx} is missing; install Debian's nginx-light (apt-get install nginx-light), as .ci/run does.");
        var port = FreePort();
        var site = _temp.Combine("nginx");
        Directory.CreateDirectory(site);
        var config = Path.Combine(site, "nginx.conf");
        File.WriteAllText(_temp.Combine("good.conf"), Config(site, port, "good"));
        File.WriteAllText(_temp.Combine("bad.conf"), Config(site, port, "bad").Replace("events {", "events { no_such_directive on;", StringComparison.Ordinal));
        using var machine = await ServiceMachine.CreateAsync(_temp, new()
        {
            ["Web"] = new()
            {
                ["Type"] = 16, ["Start"] = 2, ["ErrorControl"] = 2, ["ImagePath"] = Nginx,
                // -e: nginx opens its error log before it reads the configuration; stderr keeps that in the event log too.
                ["Arguments"] = new[] { "-p", site, "-c", config, "-e", "stderr" },
                ["StartTimeout"] = 1,
                ["TrackedFiles"] = new Dictionary<string, object> { [config] = new Dictionary<string, object> { ["$file"] = "good.conf" } },
                ["Health"] = new Dictionary<string, object> { ["Http"] = new Dictionary<string, object> { ["Http"] = $"http://127.0.0.1:{port}/", ["Timeout"] = 5 } },
            },
        });
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "Policy", "Classic");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "1", "--type", "dword");

        await RunUntilAcceptedAsync(machine, 1, port, "good");
        var goodSet = machine.Select().LastKnownGood;

        await machine.LkgAsync("reg", "set", ConfigKey, config, _temp.Combine("bad.conf"), "--type", "file");
        var badSet = machine.Select().Default;
        await RunUntilAcceptedAsync(machine, 3, port, "good");

        Assert.Equal(File.ReadAllBytes(_temp.Combine("good.conf")), File.ReadAllBytes(config));
        Assert.Equal(
            [(goodSet, BootMode.Normal, BootOutcome.Accepted), (badSet, BootMode.Normal, BootOutcome.StartFailure), (goodSet, BootMode.LastKnownGood, BootOutcome.Accepted)],
            machine.History().Select(b => (b.ControlSet, b.Mode, b.Outcome)));
        Assert.Contains("Web failed to start: it exited with code 1 before it was ready", machine.History()[1].EndReason);
        Assert.Empty(await ServiceMachine.WaitForNoneAsync(site, TimeSpan.FromSeconds(10)));
    }

    /// <summary>Runs the boot manager until boot <paramref name="boot"/> is accepted, asks nginx for its page, then shuts the boot down with SIGTERM.</summary>
    private static async Task RunUntilAcceptedAsync(TestMachine machine, int boot, int port, string page)
    {
        using var manager = machine.StartBoot("--timeout", "50s");
        await manager.WaitForLineAsync(l => l.StartsWith($"Boot {boot} accepted", StringComparison.Ordinal), Timeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Assert.Equal($"{page}\n", await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/")));
        System.Diagnostics.Process.Start("kill", ["-TERM", manager.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
        Assert.Equal(0, await manager.WaitForExitAsync(Timeout));
    }

    /// <summary>An nginx.conf that runs in the foreground with every path in <paramref name="site"/>, so it runs without root, and answers <paramref name="page"/>.</summary>
    private static string Config(string site, int port, string page) => $$"""
        daemon off;
        worker_processes 1;
        pid {{site}}/nginx.pid;
        error_log stderr;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path {{site}}/body;
            proxy_temp_path {{site}}/proxy;
            fastcgi_temp_path {{site}}/fastcgi;
            uwsgi_temp_path {{site}}/uwsgi;
            scgi_temp_path {{site}}/scgi;
            server {
                listen 127.0.0.1:{{port}};
                location / { return 200 "{{page}}\n"; }
            }
        }

        """;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
