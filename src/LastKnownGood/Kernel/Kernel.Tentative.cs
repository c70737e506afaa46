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
    internal Func<string, TrackedFile, Stream, int>? TrackedFileCapture =>
        Content!.Policy == RecoveryPolicy.Improved && _options.Mode == BootMode.Normal && _options.Boot is not null ? CaptureTrackedFile : null;

    /// <summary>
    /// Derives a set from the running one with <paramref name="onDisk"/> as the service's tracked
    /// file, and the boot goes on on it, tentative (<see cref="BootLog.RunOn"/>), in one transaction.
    /// </summary>
    private int CaptureTrackedFile(string service, TrackedFile file, Stream onDisk)
    {
        lock (_hiveGate)
        {
            var hive = _hive ?? throw new ObjectDisposedException(nameof(Kernel), "The kernel has shut down; its hive is closed.");
            var key = KeyPath.Parse("Services").Child(service).Child("TrackedFiles");
            _controlSet = hive.Transaction(() =>
            {
                var captured = hive.Derive(_controlSet, "kernel", $"{service}'s tracked file {file.Path} changed on disk; captured by boot {_options.Boot}",
                    editor => editor.SetValue(key, file.Path, RegistryValue.File(editor.StoreFile(onDisk, Path.GetFileName(file.Path)))));
                BootLog.RunOn(hive, _options.Boot!.Value, captured.ControlSet, _time.GetUtcNow());
                return captured.ControlSet;
            });
            return _controlSet;
        }
    }
}
