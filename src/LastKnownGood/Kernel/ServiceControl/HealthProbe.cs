using System.Globalization;
using System.Net.Sockets;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// Runs a service's health checks once it has started: each is tried every
/// <see cref="RetryInterval"/> until it passes or its timeout ends, which also ends a try that
/// hangs. The networking stack loads only when a service has an HTTP or TCP check.
/// </summary>
internal static class HealthProbe
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>Null when every Required check passed; else why the first that did not failed. Wanted failures are only logged.</summary>
    public static string? FirstRequiredFailure(string service, IReadOnlyList<HealthCheck> checks, EventLog events, TimeProvider time)
    {
        foreach (var check in checks)
        {
            var error = Run(check, time);
            var kind = check.Required ? "Required" : "Wanted";
            if (error is null)
            {
                events.Write("kernel", $"{service}: {kind} health check {check.Name} passed");
            }
            else if (check.Required)
            {
                return $"its Required health check {check.Name} failed: {error}";
            }
            else
            {
                events.Write("kernel", $"{service}: Wanted health check {check.Name} failed: {error}");
            }
        }

        return null;
    }

    private static string? Run(HealthCheck check, TimeProvider time)
    {
        if (check.Kind == HealthCheckKind.Invalid)
        {
            return "its key names none, or more than one, of Http, Tcp and Command; give it exactly one";
        }

        using var deadline = new CancellationTokenSource(check.Timeout, time);
        var last = "it was not tried";
        try
        {
            while (true)
            {
                if (TryOnceAsync(check, deadline.Token).GetAwaiter().GetResult() is not { } error)
                {
                    return null;
                }

                last = error;
                Task.Delay(RetryInterval, time, deadline.Token).GetAwaiter().GetResult();
            }
        }
        catch (OperationCanceledException)
        {
            return $"it did not pass within its timeout of {check.Timeout.TotalSeconds:0.#} s (last: {last})";
        }
    }

    /// <summary>Null when the check passed; else what went wrong. Throws <see cref="OperationCanceledException"/> at the deadline.</summary>
    private static async Task<string?> TryOnceAsync(HealthCheck check, CancellationToken deadline)
    {
        try
        {
            switch (check.Kind)
            {
                case HealthCheckKind.Http:
                    using (var response = await Http.Value.GetAsync(check.Target, HttpCompletionOption.ResponseHeadersRead, deadline))
                    {
                        return (int)response.StatusCode < 400 ? null : $"GET {check.Target} answered {(int)response.StatusCode} {response.ReasonPhrase}";
                    }

                case HealthCheckKind.Tcp:
                    var colon = check.Target.LastIndexOf(':');
                    using (var client = new TcpClient())
                    {
                        await client.ConnectAsync(check.Target[..colon].Trim('[', ']'), int.Parse(check.Target[(colon + 1)..], CultureInfo.InvariantCulture), deadline);
                        return null;
                    }

                default:
                    return await RunCommandAsync(check.Target, deadline);
            }
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            return e.Message;
        }
    }

    private static async Task<string?> RunCommandAsync(string command, CancellationToken deadline)
    {
        var (exitCode, said) = await ShellCommand.RunAsync(command, prepare: null, deadline);
        return exitCode == 0 ? null : $"{command} exited with code {exitCode}{(said.Length > 0 ? $": {Quote.Short(said)}" : "")}";
    }
}
