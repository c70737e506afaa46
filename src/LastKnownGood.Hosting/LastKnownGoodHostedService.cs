using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LastKnownGood.Hosting;

/// <summary>
/// The host as an lkg service: <c>READY=1</c> once every hosted service has started, then the
/// health checks at an interval, each result as <c>STATUS=</c>, and <c>WATCHDOG=1</c> only while they
/// pass (Healthy or Degraded), so that a host that is up but unhealthy is killed by the kernel's
/// watchdog (and restarted by its FailureActions); the boot reported good once, when asked to; <c>STOPPING=1</c> when the
/// host stops, which it does on the service manager's SIGTERM. Without health checks registered,
/// the host counts as healthy while it runs.
/// </summary>
public sealed class LastKnownGoodHostedService(
    ServiceManagerNotifier notifier, IHostApplicationLifetime lifetime, IOptions<LastKnownGoodOptions> options, TimeProvider time, HealthCheckService? health = null)
    : BackgroundService
{
    /// <summary>A timer's period is at least 1 ms and at most 2^32 - 2 ms; a watchdog of weeks is fed every 24 days.</summary>
    private static readonly TimeSpan ShortestInterval = TimeSpan.FromMilliseconds(1), LongestInterval = TimeSpan.FromDays(24);

    private bool _reportedBootOk;

    /// <summary>Once the host stops, nothing is sent but <c>STOPPING=1</c>: no ping, no report of a boot it is leaving.</summary>
    private volatile bool _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled)
        {
            return;
        }

        using var stopping = lifetime.ApplicationStopping.Register(() =>
        {
            _stopping = true;
            notifier.Send("STOPPING=1");
        });
        if (!await StartedAsync(stoppingToken))
        {
            return;
        }

        notifier.Send("READY=1\nSTATUS=started");
        var interval = notifier.WatchdogTimeout is { } watchdog ? watchdog / 2 : options.Value.HealthInterval;
        using var timer = new PeriodicTimer(interval < ShortestInterval ? ShortestInterval : interval > LongestInterval ? LongestInterval : interval, time);
        do
        {
            await CheckAsync(stoppingToken);
        }
        while (await Tick(timer, stoppingToken));
    }

    /// <summary>One run of the health checks, and what it tells the service manager.</summary>
    private async Task CheckAsync(CancellationToken stoppingToken)
    {
        string? unhealthy;
        var status = HealthStatus.Healthy;
        try
        {
            var report = health is null ? null : await health.CheckHealthAsync(stoppingToken);
            status = report?.Status ?? HealthStatus.Healthy;
            unhealthy = status != HealthStatus.Unhealthy ? null
                : string.Join(", ", report!.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Value.Description is { Length: > 0 } why ? $"{e.Key} ({why})" : e.Key));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A check that cannot even be made (a missing dependency, say) is a failing check, not the end of the host.
            unhealthy = $"the health checks threw {e.GetType().Name}: {e.Message}";
        }

        if (_stopping)
        {
            return;
        }

        if (unhealthy is not null)
        {
            notifier.Send($"STATUS=unhealthy: {OneLine(unhealthy)}");
            return;
        }

        var bootOk = options.Value.ReportBootOkWhenHealthy && !_reportedBootOk;
        var sent = notifier.Send(string.Join('\n', new[]
        {
            $"STATUS={(status == HealthStatus.Degraded ? "degraded" : "healthy")}",
            notifier.WatchdogTimeout is null ? null : "WATCHDOG=1",
            bootOk ? ServiceManagerNotifier.BootOkAssignment : null,
        }.OfType<string>()));
        _reportedBootOk |= bootOk && sent;
    }

    /// <summary>A line break in a check's description would start another assignment of the message: each control character becomes a space.</summary>
    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));

    /// <summary>Waits until the host has started every hosted service; false when it stops first.</summary>
    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
