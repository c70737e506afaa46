using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// What the kernel's end of a host's connection (<see cref="HostSession"/>) serves from: the hive
/// and the control set the host runs on, where content lives, the event log, and the acceptance
/// of the boot. The kernel is one; a content pre-flight's throwaway host is served by another
/// (<see cref="Recovery.Preflight"/>), so both run the same protocol.
/// </summary>
internal interface IHostServices
{
    T WithHive<T>(Func<Hive, int, T> read);

    ContentStore Content { get; }

    void Log(string source, string message);

    NtStatus ReportBootOk(string component);
}
