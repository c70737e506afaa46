using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Machines;

/// <summary>
/// A machine: a directory holding the hive (<c>system.db</c>), its backup from the last
/// accepted boot (<c>system.db.lkg</c>), installed drivers, dumps, the machine lock, the kernel's
/// start-up profile, and under the Classic policy the content files.
/// </summary>
public sealed class MachineDirectory
{
    public const string EnvironmentVariable = "LKG_MACHINE";

    /// <summary>The machine at <paramref name="root"/>; one directory has one spelling (absolute, no trailing separator).</summary>
    public MachineDirectory(string root) => Root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(root));

    public string Root { get; }

    public string HivePath => System.IO.Path.Combine(Root, "system.db");

    public string BackupPath => System.IO.Path.Combine(Root, "system.db.lkg");

    public string DriversPath => System.IO.Path.Combine(Root, "drivers");

    public string DumpsPath => System.IO.Path.Combine(Root, "dumps");

    /// <summary>Classic policy: content files, one directory per component, outside the control sets.</summary>
    public string ContentPath => System.IO.Path.Combine(Root, "content");

    public string LockPath => System.IO.Path.Combine(Root, "machine.lock");

    /// <summary>Sockets of the running machine: the kernel's control socket, each user-mode driver host's, a content pre-flight's, the services' notify sockets.</summary>
    public string RunPath => System.IO.Path.Combine(Root, "run");

    /// <summary>The running kernel's control socket: <c>lkg service start|stop</c> (<c>ControlRequest</c>).</summary>
    public string ControlSocketPath => System.IO.Path.Combine(RunPath, "control.sock");

    /// <summary>
    /// The kernel's start-up profile: the methods the last cleanly shut down kernel compiled, which
    /// the next one compiles on another core while it boots (.NET's multicore JIT).
    /// </summary>
    public string KernelProfilePath => System.IO.Path.Combine(Root, "kernel.jitprofile");

    public bool Exists => File.Exists(HivePath);

    /// <summary>A fresh name for a content file staged before a write (<see cref="StagedContent"/>), which removes it.</summary>
    public string NewStagingPath() => System.IO.Path.Combine(Root, $"staging-{Guid.NewGuid():n}.lkg-new");

    /// <summary><c>--machine</c>, else <c>$LKG_MACHINE</c>, else <c>./machine</c>.</summary>
    public static MachineDirectory Resolve(string? option) => new(
        !string.IsNullOrEmpty(option) ? option
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : "machine");

    /// <summary>
    /// Creates the machine: the directory layout and a hive that <paramref name="populate"/>
    /// fills. The hive is built under a temporary name and moved into place only when complete,
    /// so a failure leaves no machine rather than half of one.
    /// </summary>
    public void Create(TimeProvider time, Action<Hive> populate)
    {
        RequireNoOtherFileAtTheHive();
        if (Exists)
        {
            throw new LkgException(NtStatus.ObjectNameCollision,
                $"A machine already exists at {Root}; use it, or choose another directory with --machine.");
        }

        var rootExisted = Directory.Exists(Root);
        var building = HivePath + ".new";
        try
        {
            CreateDirectories();
            DeleteHiveFiles(building);
            using (var hive = Hive.Create(building, time))
            {
                populate(hive);
            }

            File.Move(building, HivePath);
        }
        catch
        {
            if (Directory.Exists(Root))
            {
                DeleteHiveFiles(building);
                if (!rootExisted)
                {
                    Directory.Delete(Root, recursive: true);
                }
            }

            throw;
        }
    }

    private void CreateDirectories()
    {
        try
        {
            Directory.CreateDirectory(DriversPath);
            Directory.CreateDirectory(DumpsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw e is IOException io && StorageError.TryTranslate(io, Root, out var failure)
                ? failure
                : new LkgException(NtStatus.ObjectNameInvalid, File.Exists(Root)
                    ? $"{Root} is a file, not a directory; choose another directory with --machine."
                    : $"The machine directory {Root} cannot be created ({e.Message.TrimEnd('.')}); choose another directory with --machine.", e);
        }
    }

    /// <summary>Throws, saying what to do, when there is no machine here.</summary>
    public void RequireExists()
    {
        RequireNoOtherFileAtTheHive();
        if (!Exists)
        {
            throw new LkgException(NtStatus.ObjectNameNotFound,
                $"There is no machine at {Root}; create one with lkg init, or point --machine or {EnvironmentVariable} at an existing one.");
        }
    }

    /// <summary>SQLite would wait forever on a FIFO in the hive's place and read a device without end; a directory there is no machine either.</summary>
    private void RequireNoOtherFileAtTheHive()
    {
        if (FileStatus.Of(HivePath) is { IsRegularFile: false } status)
        {
            throw new LkgException(NtStatus.ObjectTypeMismatch,
                $"{HivePath} is {status.Kind}, not a machine database; move it away, then restore system.db from your own backup or create the machine again with lkg init.");
        }
    }

    private static void DeleteHiveFiles(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    /// <summary>
    /// Opens and verifies the hive, as much as <paramref name="verification"/> says. Damage found
    /// while opening replaces the hive by <c>system.db.lkg</c> when that backup verifies, and the
    /// restored hive records what was lost; without a usable backup this throws
    /// <see cref="HiveCorruptException"/> with what to do. Damage found later, by a hive opened
    /// <see cref="HiveVerification.OnRead"/>, throws it from the read and changes no file: the
    /// next full check (a boot, a write) restores. Another program's file and a schema this lkg
    /// does not use are not damage: they throw <see cref="LkgException"/> and the file, and its
    /// backup, are left as they are (docs/hive.md).
    /// </summary>
    public Hive OpenHive(TimeProvider time, HiveAccess access = HiveAccess.ReadWrite,
        HiveVerification verification = HiveVerification.SelectedSets)
    {
        RequireExists();
        try
        {
            return Hive.Open(HivePath, time, access, verification);
        }
        catch (HiveCorruptException damage)
        {
            return HiveRestore.FromBackup(this, damage, time);
        }
    }
}
