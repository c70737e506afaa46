using System.Diagnostics;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// What a service's programs start with: its process and the command of a <c>run/</c> failure
/// action alike. The kernel's environment, less what is the kernel's own, plus the service's
/// <c>Environment</c>, in its <c>WorkingDirectory</c>.
/// </summary>
internal static class ServiceEnvironment
{
    /// <summary>
    /// The kernel's own crash-dump settings (<c>KernelDump.FatalErrorEnvironment</c>) and its
    /// supervisor's notify protocol (socket and watchdog): not the service's.
    /// </summary>
    private static readonly string[] KernelOnlyVariables =
        ["DOTNET_DbgEnableMiniDump", "DOTNET_DbgMiniDumpType", "DOTNET_DbgMiniDumpName", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"];

    public static void Apply(ProcessStartInfo info, ServiceProgram program)
    {
        info.WorkingDirectory = program.WorkingDirectory;
        foreach (var name in KernelOnlyVariables)
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in program.Environment)
        {
            info.Environment[name] = value;
        }
    }
}
