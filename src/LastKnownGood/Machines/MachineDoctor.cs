using LastKnownGood.Drivers;
using LastKnownGood.Registry;

namespace LastKnownGood.Machines;

/// <summary>How much a finding of <see cref="MachineDoctor"/> asks of a person.</summary>
public enum DoctorSeverity
{
    /// <summary>Worth knowing; nothing to do.</summary>
    Info,

    /// <summary>The machine runs, but not as it should: do what the finding says.</summary>
    Warning,

    /// <summary>Something is damaged or unsafe: do what the finding says before the next boot.</summary>
    Error,
}

/// <summary>One thing <c>lkg doctor</c> found: which check, how bad, what is wrong and what to do.</summary>
public sealed record DoctorFinding(string Check, DoctorSeverity Severity, string Problem, string Remedy);

/// <summary>
/// <c>lkg doctor</c>'s checks of a machine and of the key directory, each read-only: the hive
/// (SQLite's integrity check, the sets <c>Select</c> names, every sealed row), its backup, the
/// trusted keys and test mode, the private keys' permissions, every installed package against its
/// signature and its name, and what an interrupted write left behind. Nothing is repaired here:
/// each finding says what to do.
/// </summary>
public static class MachineDoctor
{
    /// <summary>The checks, in the order they run and are shown.</summary>
    public static readonly IReadOnlyList<string> Checks = ["hive", "backup", "trust", "keys", "packages", "leftovers"];

    public static IReadOnlyList<DoctorFinding> Examine(MachineDirectory machine, string keyDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(machine);
        machine.RequireExists();
        var findings = new List<DoctorFinding>();
        Hive? hive = null;
        findings.AddRange(Run("hive", () =>
        {
            hive = Hive.Open(machine.HivePath, time, HiveAccess.ReadOnly, HiveVerification.OnRead);
            return hive.CheckForBackup().Select(problem => HiveFinding("hive", problem, RestoreRemedy));
        }));
        using (hive)
        {
            findings.AddRange(Run("backup", () => Backup(machine, time)));
            findings.AddRange(hive is null ? NotChecked("trust") : Run("trust", () => Trust(hive, hive.ReadSelect().Default)));
            findings.AddRange(Run("keys", () => KeyFiles(keyDirectory)));
            findings.AddRange(hive is null ? NotChecked("packages") : Run("packages", () => Packages(new DriverStore(machine), hive)));
        }

        findings.AddRange(MachineLock.ReadHolder(machine.LockPath) is { } holder
            ? [new("leftovers", DoctorSeverity.Info, $"{holder} holds the machine, so what looks left over may be in use", "run lkg doctor again once it has stopped to check for leftovers")]
            : Run("leftovers", () => Leftovers(machine)));
        return findings;
    }

    /// <summary>A check's findings; what stopped it (a file it cannot read, a database it cannot open) is a finding too, never an exception.</summary>
    private static IReadOnlyList<DoctorFinding> Run(string check, Func<IEnumerable<DoctorFinding>> examine)
    {
        try
        {
            return [.. examine()];
        }
        catch (Exception e) when (e is LkgException or IOException or UnauthorizedAccessException)
        {
            return [new(check, DoctorSeverity.Error, $"it could not be checked: {e.Message.TrimEnd('.')}",
                check == "hive" ? RestoreRemedy : "make it readable to this user, then run lkg doctor again")];
        }
    }

    private static DoctorFinding[] NotChecked(string check) =>
        [new(check, DoctorSeverity.Info, "not checked: the hive could not be opened", "mend the hive first (above), then run lkg doctor again")];

    /// <summary>What to do about a damaged hive: the boot manager restores it when it opens it.</summary>
    private const string RestoreRemedy = "lkg boot restores the hive from its backup, system.db.lkg, when it opens a hive whose sets are damaged";

    /// <summary>A problem of a hive's full check, with what to do for its kind.</summary>
    private static DoctorFinding HiveFinding(string check, HiveProblem problem, string setRemedy, string prefix = "") => problem.Kind switch
    {
        HiveProblemKind.Database => new(check, DoctorSeverity.Error, prefix + problem.Text,
            "the database file itself is damaged: while no boot manager runs, copy system.db.lkg (the backup of the last accepted boot) over system.db, and check the disk"),
        HiveProblemKind.Row => new(check, DoctorSeverity.Warning, prefix + problem.Text,
            "lkg status and lkg history leave the row out and say so; the control sets are sound; check the disk if it happens again"),
        _ => new(check, DoctorSeverity.Error, prefix + problem.Text, setRemedy),
    };

    private const string NoBackupRemedy = "the next accepted boot writes a new backup; until then, the hive has no sound copy to be restored from";

    private static IEnumerable<DoctorFinding> Backup(MachineDirectory machine, TimeProvider time)
    {
        if (!File.Exists(machine.BackupPath))
        {
            return [new("backup", DoctorSeverity.Warning, "there is no backup of the hive (system.db.lkg) yet, so damage to the hive could not be undone",
                "boot the machine with lkg boot: every accepted boot backs the hive up")];
        }

        if (Internal.FileStatus.Of(machine.BackupPath) is { IsRegularFile: false } status)
        {
            return [new("backup", DoctorSeverity.Error, $"the backup, system.db.lkg, is {status.Kind}, not a regular file", $"remove it (rm {machine.BackupPath}); the next accepted boot writes a new backup")];
        }

        try
        {
            using var backup = Hive.Open(machine.BackupPath, time, HiveAccess.ReadOnly, HiveVerification.OnRead);
            return [.. backup.CheckForBackup().Select(problem => HiveFinding("backup", problem, NoBackupRemedy, "system.db.lkg: "))];
        }
        catch (LkgException e)
        {
            return [new("backup", DoctorSeverity.Error, $"the backup, system.db.lkg, cannot be used: {e.Message.TrimEnd('.')}", NoBackupRemedy)];
        }
    }

    /// <summary>The keys <c>Control\CI\Keys</c> of <c>Default</c> trusts, and test mode.</summary>
    private static IEnumerable<DoctorFinding> Trust(Hive hive, int set)
    {
        var keys = set == 0 ? [] : hive.OpenKey(set, CodeIntegrityPolicy.KeysPath)?.Values ?? [];
        foreach (var (name, value) in keys)
        {
            if (value.Kind != RegistryValueKind.Binary || !SigningKey.TryImportPublicKey(value.Data, out var key, out _))
            {
                yield return new("trust", DoctorSeverity.Error, $@"Control\CI\Keys\{name} is not a P-256 public key, so nothing it signed loads",
                    $@"delete it with lkg reg delete 'SYSTEM\CurrentControlSet\Control\CI\Keys' {name}, then trust the key again with lkg keys trust {name}");
                continue;
            }

            key.Dispose();
        }

        var testSigning = CodeIntegrityPolicy.Read(hive, set).TestSigning;
        if (testSigning)
        {
            yield return new("trust", DoctorSeverity.Warning, "TestSigning is on: a driver signed by any key loads",
                $@"sign the drivers with a trusted key, then turn it off with lkg reg set 'SYSTEM\CurrentControlSet\Control\CI' TestSigning 0 --type dword");
        }
        else if (keys.Count == 0)
        {
            yield return new("trust", DoctorSeverity.Warning, @"Control\CI\Keys trusts no key, and TestSigning is off: no driver can load",
                "trust the key that signs your drivers with lkg keys trust NAME");
        }
    }

    /// <summary>The private keys of the key directory: readable by their owner alone, as ssh wants.</summary>
    private static IEnumerable<DoctorFinding> KeyFiles(string directory)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(directory))
        {
            yield break;
        }

        if ((File.GetUnixFileMode(directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            yield return new("keys", DoctorSeverity.Error, $"the key directory {directory} can be written by other users, who could put their keys in it",
                $"chmod 700 {directory}");
        }

        foreach (var file in Directory.EnumerateFiles(directory, $"*{SigningKey.PrivateKeyExtension}").Order(StringComparer.Ordinal))
        {
            if ((File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                yield return new("keys", DoctorSeverity.Error, $"the private key {file} can be read by other users, and lkg sign refuses it",
                    $"chmod 600 {file}, and make a new key if others may have copied it");
            }
        }
    }

    /// <summary>
    /// Every package a set <c>Select</c> names loads (its <c>ImagePath</c>): its files as signed, by a
    /// key that set trusts (or any, under TestSigning), installed under its own name. Copies no
    /// selected set names are only counted: an older set's, or one signed again since.
    /// </summary>
    private static IEnumerable<DoctorFinding> Packages(DriverStore store, Hive hive)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in hive.ReadSelect().Named)
        {
            var policy = CodeIntegrityPolicy.Read(hive, set);
            foreach (var service in hive.OpenKey(set, Services)?.Subkeys ?? [])
            {
                if (hive.OpenKey(set, Services.Child(service.Name)) is { } key && key.TryGetValue("ImagePath", out var image) && image.Kind == RegistryValueKind.Sz
                    && store.TryResolve(image.AsString(), out var directory) && Directory.Exists(directory) && used.Add(image.AsString())
                    && store.Verify(image.AsString(), policy) is { Succeeded: false } result)
                {
                    yield return new("packages", DoctorSeverity.Error, $@"{ControlSetInfo.FormatName(set)}\Services\{service.Name}: {result.Reason!.TrimEnd('.')}",
                        "install the driver again from its signed package with lkg driver install; until then this set cannot load it");
                }
            }
        }

        var unused = Directory.Exists(store.Root)
            ? Directory.EnumerateDirectories(store.Root).Select(Path.GetFileName).Count(n => !n!.StartsWith('.') && !used.Contains(n))
            : 0;
        if (unused > 0)
        {
            yield return new("packages", DoctorSeverity.Info, $"{unused} installed package{(unused == 1 ? "" : "s")} no selected control set names (an older set's, or signed again since)",
                "nothing to do: older control sets may still name them");
        }
    }

    private static readonly KeyPath Services = KeyPath.Root.Child("Services");

    /// <summary>What a write a crash interrupted leaves: installs, staged files, replaced copies and dumps in progress.</summary>
    private static IEnumerable<DoctorFinding> Leftovers(MachineDirectory machine)
    {
        var left = Entries(machine.Root, n => n.EndsWith(".lkg-new", StringComparison.Ordinal) || n.EndsWith(".tmp", StringComparison.Ordinal))
            .Concat(Entries(machine.DriversPath, n => n.StartsWith('.')))
            .Concat(Entries(machine.DumpsPath, n => n.EndsWith(Diagnostics.DumpFile.WritingSuffix, StringComparison.Ordinal)));
        foreach (var path in left)
        {
            yield return new("leftovers", DoctorSeverity.Warning, $"{path} was left by a write that did not finish (a crash or a kill); it is never used",
                $"delete it: rm -r {path}");
        }
    }

    private static IEnumerable<string> Entries(string directory, Func<string, bool> left) =>
        Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory, "*", Everything).Where(p => left(Path.GetFileName(p))).Order(StringComparer.Ordinal) : [];

    /// <summary>Dot-files too: what an interrupted write leaves is named with a leading dot.</summary>
    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0 };
}
