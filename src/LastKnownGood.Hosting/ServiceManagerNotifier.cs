using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LastKnownGood.Hosting;

/// <summary>
/// The program's side of sd_notify(3), as lkg's kernel (and systemd) reads it: datagrams of
/// newline-separated assignments to <c>NOTIFY_SOCKET</c>, a path or an abstract name written
/// <c>@name</c>. Inert when the program was not started by a service manager. Made for the
/// program's own use, with <see cref="System.Net.Sockets"/>; lkg's native boot manager has its own.
/// </summary>
public sealed class ServiceManagerNotifier : IDisposable
{
    /// <summary>lkg's assignment for a service's report that the boot is good (sd_notify leaves <c>X_</c> names to the manager).</summary>
    public const string BootOkAssignment = "X_LKG_BOOT_OK=1";

    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly Lock _gate = new();

    /// <summary>Reads <c>NOTIFY_SOCKET</c>, <c>WATCHDOG_USEC</c> and <c>WATCHDOG_PID</c> from the environment.</summary>
    public ServiceManagerNotifier()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    internal ServiceManagerNotifier(Func<string, string?> environment)
    {
        if (environment("NOTIFY_SOCKET") is { Length: > 1 } path && path[0] is '/' or '@')
        {
            _endPoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
            // Never waits: a manager whose queue is full loses the message rather than stalling the host.
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
        }

        // sd_watchdog_enabled(3): the watchdog is this process's unless WATCHDOG_PID names another.
        WatchdogTimeout = ulong.TryParse(environment("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) && microseconds > 0
            && (environment("WATCHDOG_PID") is not { Length: > 0 } pid || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            ? TimeSpan.FromMicroseconds(microseconds)
            : null;
    }

    /// <summary>Whether a service manager listens: <c>NOTIFY_SOCKET</c> is set.</summary>
    public bool IsEnabled => _socket is not null;

    /// <summary>How long the service manager waits for a <c>WATCHDOG=1</c>; null when it does not watch.</summary>
    public TimeSpan? WatchdogTimeout { get; }

    /// <summary>Sends one message; false when there is no service manager or it did not take the message (it is never waited for).</summary>
    public bool Send(string assignments)
    {
        if (_socket is null)
        {
            return false;
        }

        lock (_gate)
        {
            try
            {
                return _socket.SendTo(Encoding.UTF8.GetBytes(assignments), SocketFlags.None, _endPoint!) > 0;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    public void Dispose() => _socket?.Dispose();
}
