using System.Runtime.InteropServices;

namespace LastKnownGood.Internal;

/// <summary>The few POSIX calls .NET does not expose: every call into the C library is here.</summary>
internal static partial class Libc
{
    public const int OpenReadOnly = 0;
    public const int OpenReadWrite = 2;
    public const int OpenCreate = 0x40;
    public const int OpenCloseOnExec = 0x80000;
    public const int SignalAbort = 6;
    public const int SignalKill = 9;
    public const int SignalTerm = 15;
    public const int SignalUser1 = 10;
    public const int SignalStop = 19;
    public const int OpenPath = 0x200000;
    public const int OpenNonBlocking = 0x800;
    public const int AtCurrentDirectory = -100;
    public const int AtEmptyPath = 0x1000;
    public const int AtSymlinkNoFollow = 0x100;
    public const int OpenNoFollow = 0x20000;
    public const int ErrorNoEntry = 2;
    public const uint StatxBasicStats = 0x7ff;
    public const int OpenDirectory = 0x10000;
    public const int SetDescriptorFlags = 2;
    public const int DescriptorCloseOnExec = 1;
    public const int AddressFamilyUnix = 1;
    public const int SocketStream = 1;
    public const int SocketDatagram = 2;
    public const int SocketLevel = 1;
    public const int PassCredentials = 16;
    public const int ControlRights = 1;
    public const int ControlCredentials = 2;
    public const int MessageTruncated = 0x20;
    public const int MessageControlTruncated = 0x8;
    public const int MessageCloseOnExec = 0x40000000;
    public const int ShutdownBoth = 2;
    public const int ErrorInterrupted = 4;
    public const int MessageNoSignal = 0x4000;
    public const int MessageDontWait = 0x40;
    public const int SetChildSubreaper = 36;
    public const int SocketCloseOnExec = 0x80000;
    public const int ProtectNone = 0;
    public const int ProtectReadWrite = 0x1 | 0x2;
    public const int MapPrivateAnonymousNoReserve = 0x02 | 0x20 | 0x4000;
    public const int AdviseDontNeed = 4;
    public static readonly nint MapFailed = -1;
    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int ErrorWouldBlock = 11;

    /// <summary>
    /// Ends the process at once: no finalizers, no exit handlers, no other thread gets to run
    /// more driver code. This is what a bug check needs and Environment.Exit does not give.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "_exit")]
    public static partial void Exit(int status);

    /// <summary>open(2): .NET's FileStream always takes a lock on Unix and refuses directories.</summary>
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    /// <summary>open(2) with the mode a file it creates gets (O_CREAT).</summary>
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, int mode);

    /// <summary>
    /// flock(2), called directly: .NET's FileStream takes its lock only when
    /// DOTNET_SYSTEM_IO_DISABLEFILELOCKING is unset, and the machine lock must not depend on that.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Truncate(int fd, long length);

    /// <summary>write(2): the bug check writes its record to the boot manager's pipe without a stream, a lock or the thread pool.</summary>
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nint count);

    /// <summary>fcntl(2) with an int argument: F_SETFD to keep a descriptor out of the kernel's own children.</summary>
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary>
    /// statx(2), whose buffer has one layout on every architecture (stat's does not). With
    /// <see cref="AtEmptyPath"/> and an empty path it describes the open descriptor <paramref name="directory"/>.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int directory, string path, int flags, uint mask, out FileStatus status);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary>kill(2): a negative <paramref name="pid"/> signals the whole process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>setpgid(0, 0) makes the calling process the leader of a new process group.</summary>
    [LibraryImport("libc", EntryPoint = "setpgid", SetLastError = true)]
    public static partial int SetProcessGroup(int pid, int group);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static unsafe partial int Bind(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static unsafe partial int SetSocketOption(int fd, int level, int name, int* value, int length);

    /// <summary>recvmsg(2): a notify datagram with its sender's credentials (SCM_CREDENTIALS) in the control data.</summary>
    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static unsafe partial nint ReceiveMessage(int fd, MessageHeader* message, int flags);

    /// <summary>sendto(2): a notify datagram to the boot manager's own supervisor (<c>SupervisorNotify</c>).</summary>
    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static unsafe partial nint SendTo(int fd, byte* buffer, nint length, int flags, byte* address, int addressLength);

    public const int SocketNonBlocking = 0x800;
    public const int EpollCloseOnExec = 0x80000;
    public const int EpollAdd = 1;
    public const int EpollDelete = 2;
    public const uint EpollIn = 1;

    /// <summary>epoll_create1(2): the notify sockets' one reader waits on all of them at once.</summary>
    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    /// <summary>epoll_ctl(2); <paramref name="epollEvent"/> is a struct epoll_event (<c>NotifySocket</c> lays it out for the architecture).</summary>
    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static unsafe partial int EpollControl(int epoll, int operation, int fd, byte* epollEvent);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static unsafe partial int EpollWait(int epoll, byte* events, int capacity, int timeout);

    /// <summary>shutdown(2): wakes a thread blocked in <see cref="ReceiveMessage"/> on the socket, which close(2) does not.</summary>
    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    /// <summary>geteuid(2): whom the kernel's control socket takes requests from, besides root.</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary>prctl(2) with one argument: PR_SET_CHILD_SUBREAPER keeps orphaned descendants of services the kernel's own.</summary>
    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint argument);

    /// <summary>struct msghdr of recvmsg(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public nint Name;
        public int NameLength;
        public nint Vector;
        public nuint VectorLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    /// <summary>mmap(2) of anonymous memory: the special pool reserves its guard-paged region with it.</summary>
    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Map(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Unmap(nint address, nuint length);

    /// <summary>mprotect(2): a page with <see cref="ProtectNone"/> faults on any access, in hardware.</summary>
    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    public static partial int Protect(nint address, nuint length, int protection);

    /// <summary>madvise(2) with <see cref="AdviseDontNeed"/> gives a range's pages back; they read as zeros when next mapped in.</summary>
    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    public static partial int Advise(nint address, nuint length, int advice);
}
