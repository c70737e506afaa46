using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LastKnownGood.Internal;

/// <summary>
/// The sending side of sd_notify(3): datagrams to the <c>NOTIFY_SOCKET</c> of this process's own
/// supervisor (systemd, or anything that speaks its protocol). <c>NOTIFY_SOCKET</c> is a path or an
/// abstract name written <c>@name</c>; the watchdog is on when <c>WATCHDOG_USEC</c> is set and
/// <c>WATCHDOG_PID</c> is unset or this process's id, as <c>sd_watchdog_enabled</c> decides. Made
/// with <c>socket</c> and <c>sendto</c>, not <c>System.Net.Sockets</c>, which would load the
/// networking stack into the native <c>lkg</c>. <see cref="Send"/> may be called from any thread.
/// </summary>
internal sealed unsafe class SupervisorNotify : IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    /// <summary>The variables a supervisor sets for this process only: no child may inherit them, or it would speak for this process.</summary>
    public static readonly string[] Variables = [SocketVariable, "WATCHDOG_USEC", "WATCHDOG_PID"];

    private const int PathCapacity = 108;

    private readonly int _fd;
    private readonly byte[] _address;

    private SupervisorNotify(string socket, int fd, byte[] address, TimeSpan? watchdogInterval)
    {
        Socket = socket;
        _fd = fd;
        _address = address;
        WatchdogInterval = watchdogInterval;
    }

    /// <summary>The value of <c>NOTIFY_SOCKET</c>.</summary>
    public string Socket { get; }

    /// <summary>How often to send <c>WATCHDOG=1</c>: half of <c>WATCHDOG_USEC</c>, as sd_watchdog_enabled(3) advises; null when the watchdog is off.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>
    /// The supervisor's socket, or null when <c>NOTIFY_SOCKET</c> is unset (nothing else is done then).
    /// A socket that cannot be used is null too, and a <c>WATCHDOG_USEC</c> that is not a number
    /// leaves the watchdog off, each with <paramref name="problem"/> saying why.
    /// </summary>
    public static SupervisorNotify? FromEnvironment(out string? problem)
    {
        problem = null;
        if (Environment.GetEnvironmentVariable(SocketVariable) is not { Length: > 0 } socket)
        {
            return null;
        }

        if (!TryAddress(socket, out var address, out problem))
        {
            return null;
        }

        var interval = Watchdog(out problem);

        var fd = Libc.Socket(Libc.AddressFamilyUnix, Libc.SocketDatagram | Libc.SocketCloseOnExec, 0);
        if (fd < 0)
        {
            problem = $"a socket for {SocketVariable}={socket} could not be made: {Marshal.GetLastPInvokeErrorMessage()}";
            return null;
        }

        return new SupervisorNotify(socket, fd, address, interval);
    }

    /// <summary>
    /// Sends one message of newline-separated assignments; the reason when the supervisor did not
    /// take it, else null. Never waits: a supervisor whose socket's queue is full loses the message
    /// rather than stalling the boot manager, which supervises a kernel meanwhile.
    /// </summary>
    public string? Send(string assignments)
    {
        var message = Encoding.UTF8.GetBytes(assignments);
        fixed (byte* data = message)
        fixed (byte* address = _address)
        {
            while (true)
            {
                if (Libc.SendTo(_fd, data, message.Length, Libc.MessageNoSignal | Libc.MessageDontWait, address, _address.Length) >= 0)
                {
                    return null;
                }

                if (Marshal.GetLastPInvokeError() != Libc.ErrorInterrupted)
                {
                    return $"{SocketVariable}={Socket} refused a message: {Marshal.GetLastPInvokeErrorMessage()}";
                }
            }
        }
    }

    public void Dispose() => _ = Libc.Close(_fd);

    /// <summary>sockaddr_un for a path (with its NUL) or an abstract name (a leading NUL for the '@', no trailing one), as sd_notify makes it.</summary>
    private static bool TryAddress(string socket, out byte[] address, out string? problem)
    {
        address = [];
        problem = null;
        if (socket[0] is not ('/' or '@'))
        {
            problem = $"{SocketVariable}={socket} is neither an absolute path nor an abstract name (@name); nothing is sent to the supervisor";
            return false;
        }

        var name = Encoding.UTF8.GetBytes(socket);
        var abstractName = socket[0] == '@';
        var length = name.Length + (abstractName ? 0 : 1);
        if (length > PathCapacity)
        {
            problem = $"{SocketVariable}={socket} is longer than a Unix-domain socket's name ({PathCapacity - 1} bytes); nothing is sent to the supervisor";
            return false;
        }

        address = new byte[sizeof(ushort) + length];
        BitConverter.TryWriteBytes(address, (ushort)Libc.AddressFamilyUnix);
        name.CopyTo(address, sizeof(ushort));
        if (abstractName)
        {
            address[sizeof(ushort)] = 0;
        }

        return true;
    }

    private static TimeSpan? Watchdog(out string? problem)
    {
        problem = null;
        if (Environment.GetEnvironmentVariable("WATCHDOG_USEC") is not { Length: > 0 } text)
        {
            return null;
        }

        if (Environment.GetEnvironmentVariable("WATCHDOG_PID") is { Length: > 0 } pid
            && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            // The watchdog is another process's (a parent that did not unset it): not this one's to feed.
            return null;
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds == 0)
        {
            problem = $"WATCHDOG_USEC={text} is not a positive number of microseconds, so no WATCHDOG=1 is sent";
            return null;
        }

        // Timers take at most 2^31 - 1 milliseconds; a watchdog of weeks is pinged every 24 days.
        return TimeSpan.FromMicroseconds(Math.Min(microseconds / 2.0, MaxIntervalMicroseconds));
    }

    private const double MaxIntervalMicroseconds = 24.0 * 24 * 3600 * 1_000_000;
}
