using System.Diagnostics;
using System.Globalization;
using LastKnownGood.Internal;

namespace LastKnownGood.Kernel.ServiceControl;

internal sealed partial class ServiceProcess
{
    private static readonly string[] KnownAssignments = ["READY", "STOPPING", "WATCHDOG", "WATCHDOG_USEC", "EXTEND_TIMEOUT_USEC", BootOk];

    /// <summary>
    /// lkg's own assignment, a service's <c>ReportBootOk()</c>: this boot is good, accept it now.
    /// sd_notify(3) leaves names starting with <c>X_</c> to the service manager's own use.
    /// </summary>
    public const string BootOk = "X_LKG_BOOT_OK";

    /// <summary>How long a message that arrives before <see cref="Process.Start()"/> has returned waits for the process id it is checked against.</summary>
    private static readonly TimeSpan LaunchWait = TimeSpan.FromSeconds(1);

    /// <summary>The names of ignored assignments already logged: each is logged once per process.</summary>
    private readonly HashSet<string> _ignoredAssignments = [];

    /// <summary>sd_notify(3) messages: newline-separated assignments, believed only from the service's own processes.</summary>
    private void OnNotify(string? message, int sender)
    {
        var pid = _launched.Task.Wait(LaunchWait) ? _launched.Task.Result : 0;
        if (pid == 0 || !ProcessTree.IsSelfOrDescendant(sender, pid))
        {
            _kernel.Events.Write("kernel", $"{Name}: a notify message from pid {sender}, which is not one of its processes, is ignored");
            return;
        }

        if (message is null)
        {
            _kernel.Events.Write("kernel", $"{Name}: a notify message over {NotifySocket.MessageCapacity} bytes is ignored");
            return;
        }

        foreach (var line in message.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = line.IndexOf('=') is var equals and > 0 ? (line[..equals], line[(equals + 1)..]) : (line, "");
            switch (name)
            {
                case "READY" when value == "1":
                    _ready.TrySetResult();
                    break;
                case "STATUS":
                    _kernel.Events.Write(Name, $"status: {value}");
                    break;
                case "STOPPING" when value == "1":
                    _kernel.Events.Write("kernel", $"{Name} is stopping (STOPPING=1)");
                    break;
                case "WATCHDOG" when value == "1":
                    _watchdog.Ping();
                    break;
                case "WATCHDOG" when value == "trigger":
                    _watchdog.Trigger();
                    break;
                case "WATCHDOG_USEC" when Microseconds(value) is { } timeout:
                    _watchdog.SetTimeout(timeout);
                    _kernel.Events.Write("kernel", timeout > TimeSpan.Zero
                        ? $"{Name}: its watchdog timeout is {timeout.TotalSeconds:0.###} s (WATCHDOG_USEC=)"
                        : $"{Name}: its watchdog is off (WATCHDOG_USEC=0)");
                    break;
                case "EXTEND_TIMEOUT_USEC" when Microseconds(value) is { } extension:
                    Extend(extension);
                    break;
                case BootOk when value == "1":
                    _ = _kernel.ReportBootOk(Name);
                    break;
                default:
                    if (_ignoredAssignments.Add(name))
                    {
                        _kernel.Events.Write("kernel", KnownAssignments.Contains(name)
                            ? $"{Name}: {Quote.Short(line)} has a value sd_notify(3) does not define, and is ignored"
                            : $"{Name}: {Quote.Short(name)}= is not supported yet and is ignored");
                    }

                    break;
            }
        }
    }

    /// <summary><c>EXTEND_TIMEOUT_USEC=</c>: the start or stop under way may take that long from now; a running service has no timeout to extend.</summary>
    private void Extend(TimeSpan extension)
    {
        if (_deadline is { } deadline)
        {
            deadline.ExtendFromNow(extension);
            _kernel.Events.Write("kernel", $"{Name}: its timeout is extended to {extension.TotalSeconds:0.###} s from now (EXTEND_TIMEOUT_USEC=)");
        }
    }

    private static TimeSpan? Microseconds(string value) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) && microseconds <= long.MaxValue / 10
            ? TimeSpan.FromTicks((long)microseconds * 10) : null;
}
