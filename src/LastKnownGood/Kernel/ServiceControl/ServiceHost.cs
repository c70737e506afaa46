using System.Globalization;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// Services (<c>Type</c> 0x10): each started as a <see cref="ServiceProcess"/>, then its health
/// checks run; a Required check that fails is the service's start failure, and it is stopped.
/// A started service is watched by its <see cref="ServiceSupervisor"/>, which starts it again
/// the same way when its FailureActions say restart; its tracked files are written before the
/// first start only, so that a restart does not overwrite a file changed on disk. Notify sockets are made in
/// <paramref name="runDirectory"/>, which the kernel owns; <paramref name="stopTimeout"/> is the
/// kernel's, for services without a <c>StopTimeout</c> of their own.
/// </summary>
internal sealed class ServiceHost(Kernel kernel, string runDirectory, TimeSpan stopTimeout) : IComponentHost
{
    // The program reads its tracked files as it starts. runDirectory is the machine's run/: the machine is lkg's, never a service's.
    private readonly TrackedFileWriter _trackedFiles = new(Path.GetDirectoryName(runDirectory)!, kernel.TrackedFileCapture, kernel.WithHive<long>, line => kernel.Events.Write("kernel", line));
    private int _started;

    public NtStatus Start(ServiceEntry entry, out IStartedComponent? started, out string reason)
    {
        var key = KeyPath.Parse("Services").Child(entry.Name);
        var program = kernel.WithHive((hive, set) =>
            ServiceProgram.Read(entry, hive.OpenKey(set, key) ?? KeyNode.Empty, subkey => hive.OpenKey(set, KeyPath.Parse($@"{key}\{subkey}"))));
        if (_trackedFiles.WriteAll(entry.Name, program.TrackedFiles, out reason) is { IsSuccess: false } failed)
        {
            started = null;
            return failed;
        }

        var status = ServiceSupervisor.TryStart(this, kernel, entry, program, out var supervisor, out reason);
        started = supervisor;
        return status;
    }

    /// <summary>Captures, under Improved, the tracked files changed on disk since the services read them (<see cref="TrackedFileWriter.CaptureChanged"/>).</summary>
    internal void CaptureChangedTrackedFiles() => _trackedFiles.CaptureChanged();

    /// <summary>Starts one process of the service and runs its health checks: its first start and every restart. <paramref name="cancel"/>: the boot is ending.</summary>
    internal NtStatus StartProcess(ServiceEntry entry, ServiceProgram program, CancellationToken cancel, out ServiceProcess? started, out string reason)
    {
        started = null;
        Directory.CreateDirectory(runDirectory);
        var notifyPath = Path.Combine(runDirectory, string.Create(CultureInfo.InvariantCulture, $"notify-{Interlocked.Increment(ref _started)}"));
        var status = ServiceProcess.TryStart(kernel, entry, program, notifyPath, program.StopTimeout ?? stopTimeout, cancel, out var process, out reason);
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
