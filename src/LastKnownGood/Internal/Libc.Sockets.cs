using System.Runtime.InteropServices;

namespace LastKnownGood.Internal;

/// <summary>The stream-socket calls of the user-mode driver protocol: connect, accept, the peer's credentials, send and receive.</summary>
internal static partial class Libc
{
    public const int PeerCredentials = 17;
    public const int SendNoSignal = 0x4000;

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static unsafe partial int Connect(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static unsafe partial int Accept(int fd, byte* address, int* length, int flags);

    /// <summary>getsockopt(2): SO_PEERCRED gives the pid the operating system recorded for the peer when it connected.</summary>
    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static unsafe partial int GetSocketOption(int fd, int level, int name, void* value, int* length);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Receive(int fd, byte* buffer, nint count, int flags);

    /// <summary>send(2) with <see cref="SendNoSignal"/>: a peer that is gone is an error, not SIGPIPE.</summary>
    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int fd, byte* buffer, nint count, int flags);

    /// <summary>struct ucred of SO_PEERCRED.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PeerCredential
    {
        public int ProcessId;
        public uint UserId;
        public uint GroupId;
    }
}
