using System.Globalization;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// Services (<c>Type</c> 0x10): each started as a <see cref="ServiceProcess"/>, then its health
/// checks run; a Required check that fails is the service's start failure, and it is stopped.
/// Notify sockets are made in <paramref name="runDirectory"/>, which the kernel owns.
/// </summary>
internal sealed class ServiceHost(Kernel kernel, string runDirectory, TimeSpan stopTimeout) : IComponentHost
{
    private int _started;

    public NtStatus Start(ServiceEntry entry, out IStartedComponent? started, out string reason)
    {
        started = null;
        var key = KeyPath.Parse("Services").Child(entry.Name);
        var program = kernel.WithHive((hive, set) =>
            ServiceProgram.Read(entry, hive.OpenKey(set, key) ?? KeyNode.Empty, subkey => hive.OpenKey(set, KeyPath.Parse($@"{key}\{subkey}"))));
        // The program reads its tracked files as it starts. runDirectory is the machine's run/: the machine is lkg's, never a service's.
        var trackedFiles = new TrackedFileWriter(Path.GetDirectoryName(runDirectory)!, kernel.Content!.Policy, kernel.WithHive<long>, line => kernel.Events.Write("kernel", line));
        if (trackedFiles.WriteAll(entry.Name, program.TrackedFiles, out reason) is { IsSuccess: false } failed)
        {
            return failed;
        }

        Directory.CreateDirectory(runDirectory);
        var notifyPath = Path.Combine(runDirectory, string.Create(CultureInfo.InvariantCulture, $"notify-{++_started}"));
        var status = ServiceProcess.TryStart(kernel, entry, program, notifyPath, stopTimeout, out var process, out reason);
        if (process is null)
        {
            return status;
        }

        if (HealthProbe.FirstRequiredFailure(entry.Name, program.HealthChecks, kernel.Events, kernel.Time) is { } failure)
        {
            process.Stop();
            reason = failure;
            return NtStatus.Unsuccessful;
        }

        started = process;
        return NtStatus.Success;
    }
}
