using LastKnownGood.Boot;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

public sealed partial class Kernel
{
    /// <summary>
    /// Improved's capture of a tracked file changed on disk behind the runtime's back (DESIGN §8),
    /// for a normal boot a boot manager started: null otherwise, and the file is replaced from the
    /// control set (a Last Known Good boot must put the good file back, not capture the bad one).
    /// </summary>
    internal TrackedFileCapture? TrackedFileCapture =>
        Content!.Policy == RecoveryPolicy.Improved && _options.Mode == BootMode.Normal && _options.Boot is not null
            ? new TrackedFileCapture(CaptureTrackedFile, CaptureChangedTrackedFile)
            : null;

    /// <summary>
    /// Derives a set from the running one with <paramref name="onDisk"/> as the service's tracked
    /// file, and the boot goes on on it, tentative (<see cref="BootLog.RunOn"/>), in one transaction.
    /// </summary>
    private int CaptureTrackedFile(string service, TrackedFile file, Stream onDisk)
    {
        lock (_hiveGate)
        {
            var hive = _hive ?? throw new ObjectDisposedException(nameof(Kernel), "The kernel has shut down; its hive is closed.");
            _controlSet = hive.Transaction(() =>
            {
                var captured = hive.Derive(_controlSet, "kernel", $"{service}'s tracked file {file.Path} changed on disk; captured by boot {_options.Boot}",
                    editor => SetTrackedFile(editor, service, file.Path, onDisk));
                BootLog.RunOn(hive, _options.Boot!.Value, captured.ControlSet, _time.GetUtcNow());
                return captured.ControlSet;
            });
            return _controlSet;
        }
    }

    /// <summary>
    /// Writes <paramref name="onDisk"/> as the service's tracked file into <c>Default</c>, for the
    /// next boot, through <see cref="GuardedWrite"/> as any other write (a quarantined file is
    /// refused): the running boot goes on on its own set, since the service has not read the file.
    /// </summary>
    private int? CaptureChangedTrackedFile(string service, string path, Stream onDisk)
    {
        lock (_hiveGate)
        {
            var hive = _hive ?? throw new ObjectDisposedException(nameof(Kernel), "The kernel has shut down; its hive is closed.");
            var written = GuardedWrite.Write(hive, "kernel", $"{service}'s tracked file {path} changed on disk while boot {_options.Boot} ran; captured for the next boot",
                editor => SetTrackedFile(editor, service, path, onDisk));
            return written.Changed ? written.ControlSet : null;
        }
    }

    private static void SetTrackedFile(ControlSetEditor editor, string service, string path, Stream onDisk) =>
        editor.SetValue(KeyPath.Parse("Services").Child(service).Child("TrackedFiles"), path, RegistryValue.File(editor.StoreFile(onDisk, Path.GetFileName(path))));
}
