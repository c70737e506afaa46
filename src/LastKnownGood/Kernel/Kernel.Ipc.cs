using System.Globalization;
using LastKnownGood.Internal;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    private const int Backlog = 16;

    private UnixListener? _kernelSocket;

    /// <summary>
    /// The kernel's own Unix-domain socket, opened at boot as a real machine's IPC endpoints are,
    /// for drivers that watch <c>ipc</c> events: each connection to it is an <c>accept</c> event, and
    /// is closed at once. It takes no requests: each user-mode driver's host has a socket of its own
    /// (<c>run/umhost-NAME.sock</c>).
    /// </summary>
    public string SocketPath => Path.Combine(_machine.Root, "kernel.sock");

    /// <summary>
    /// Opens the kernel's socket and dispatches the <c>ipc</c> event for it, as a sensor on a real
    /// machine sees the IPC endpoints opened at boot. The event carries 20 fields.
    /// </summary>
    private void OpenKernelSocket()
    {
        File.Delete(SocketPath);
        _kernelSocket = UnixListener.Listen(SocketPath, Backlog);
        Dispatch(IpcEvent(SocketPath, Environment.ProcessId, "listen", "kernel", 1));
        var listener = _kernelSocket;
        new Thread(() =>
        {
            while (listener.Accept() is { } connection)
            {
                using (connection)
                {
                    Dispatch(IpcEvent(SocketPath, connection.PeerProcessId, "accept", "kernel", 1));
                }
            }
        })
        { IsBackground = true, Name = "lkg kernel socket" }.Start();
    }

    /// <summary>No connection is taken from here on: the components are about to stop.</summary>
    private void CloseKernelSocket() => _kernelSocket?.Close();

    /// <summary>
    /// The <c>ipc</c> event of a Unix-domain stream endpoint of this boot (20 fields): the kernel's
    /// own socket at boot, and each user-mode driver host's connection as it starts.
    /// </summary>
    internal KernelEvent IpcEvent(string path, int pid, string operation, string component, uint componentType) =>
        new("ipc",
        [
            "unix", path, pid.ToString(CultureInfo.InvariantCulture), Environment.UserName, "", "lkg", Environment.ProcessPath ?? "", "", Environment.MachineName,
            CurrentCgroup(), operation, "stream", "0", "", Backlog.ToString(CultureInfo.InvariantCulture), "", _options.Boot?.ToString(CultureInfo.InvariantCulture) ?? "",
            _controlSet.ToString(CultureInfo.InvariantCulture), component, componentType.ToString(CultureInfo.InvariantCulture),
        ]);

    private static string CurrentCgroup() =>
        File.Exists("/proc/self/cgroup") ? File.ReadAllText("/proc/self/cgroup").Trim().Split(':').LastOrDefault() ?? "" : "";
}
