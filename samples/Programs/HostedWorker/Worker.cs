using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LastKnownGood.Samples.HostedWorker;

/// <summary>The sample's one hosted service: it says when it runs and when it is asked to stop.</summary>
internal sealed partial class Worker(ILogger<Worker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Running(logger);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            Stopped(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker running")]
    private static partial void Running(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker asked to stop")]
    private static partial void Stopped(ILogger logger);
}
