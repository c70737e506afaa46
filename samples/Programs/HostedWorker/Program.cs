using LastKnownGood.Samples.HostedWorker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

// A .NET Generic Host worker as it would run under systemd: UseSystemd() makes the host's
// lifetime send READY=1 once it has started and STOPPING=1 when it stops, and stop on SIGTERM.
var builder = Host.CreateDefaultBuilder(args).UseSystemd().ConfigureServices(services => services.AddHostedService<Worker>());
if (!SystemdHelpers.IsSystemdService() && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 })
{
    // UseSystemd() turns itself on only when the parent process is named systemd (or this is a
    // container's pid 1); under lkg the parent is the kernel. The supervisor's socket is there
    // all the same, so the package's own lifetime and notifier are registered as UseSystemd() would.
    builder.ConfigureServices(services => services
        .AddSingleton<ISystemdNotifier, SystemdNotifier>()
        .AddSingleton<IHostLifetime, SystemdLifetime>());
}

using var host = builder.Build();
var delay = host.Services.GetRequiredService<IConfiguration>().GetValue("StartDelay", TimeSpan.Zero);
// Deliberately slow to start, so that a supervisor's wait for READY=1 can be seen.
Console.WriteLine($"HostedWorker: the host starts in {delay.TotalMilliseconds:0} ms");
await Task.Delay(delay);
await host.RunAsync();
Console.WriteLine("HostedWorker: the host has stopped");
