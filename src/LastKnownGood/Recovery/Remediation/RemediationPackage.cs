using LastKnownGood.Drivers;
using LastKnownGood.Machines;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// A signed change to the control set (DESIGN §8, docs/recovery.md "Remediation"): made by
/// <c>lkg remediation pack</c> (<see cref="Pack"/>) and taken by the recovery environment
/// (<see cref="Take"/>), which applies one that verifies on top of <c>Default</c> as a new,
/// tentative <c>Default</c>.
/// </summary>
public static class RemediationPackage
{
    /// <summary>The author of the sets remediations make, as <c>lkg controlset list</c> shows it.</summary>
    public const string Author = "remediation";

    /// <summary>
    /// Checks <paramref name="directory"/>'s <c>remediation.json</c>, signs the directory with
    /// <paramref name="key"/>, writes it as the archive <paramref name="archive"/>, and lists every
    /// archive beside it in <c>index.txt</c>, so the archive's directory can be served as an HTTP source.
    /// </summary>
    public static (RemediationChange Change, PackageSignature Signature) Pack(string directory, SigningKey key, string archive)
    {
        var change = RemediationChange.Load(directory);
        var signature = PackageSigner.SignFiles(directory, key);
        RemediationArchive.Write(directory, archive);
        var folder = Path.GetDirectoryName(Path.GetFullPath(archive))!;
        var names = Directory.EnumerateFiles(folder, "*" + RemediationArchive.Extension).Select(Path.GetFileName).OfType<string>()
            .Where(RemediationSources.IsPackageName).Order(StringComparer.Ordinal);
        var index = Path.Combine(folder, RemediationSources.IndexName);
        File.WriteAllLines(index + ".lkg-new", names);
        File.Move(index + ".lkg-new", index, overwrite: true);
        return (change, signature);
    }

    /// <summary>
    /// Takes a fetched package in safe-mode boot <paramref name="boot"/>: null when it was taken
    /// before; else it is verified against <c>Default</c>'s trusted keys (never test-signed, never a
    /// revoked key) and its change applied through <see cref="GuardedWrite"/> with the record, in one
    /// transaction, or refused with the sentence recorded. The archive and what it held are removed.
    /// A hive that refuses the write throws, and nothing is recorded: the package is taken at the next ask.
    /// </summary>
    public static RemediationRecord? Take(Hive hive, MachineDirectory machine, FetchedPackage package, string source, int boot)
    {
        using var _ = package;
        if (Remediations.IsKnown(hive, package.ArchiveSha256))
        {
            return null;
        }

        var directory = machine.NewStagingPath();
        var refused = new RemediationRecord(package.Name, package.ArchiveSha256, source, boot, RemediationOutcome.Refused, null, "");
        try
        {
            RemediationArchive.Extract(package.Archive, directory);
            var baseSet = hive.ReadSelect().Default;
            var signed = CodeIntegrity.CheckSignature(directory, CodeIntegrityPolicy.Read(hive, baseSet));
            if (!signed.Succeeded || signed.TestSigned)
            {
                var why = signed.TestSigned
                    ? $@"it is signed by the key ""{signed.KeyName}"", which Control\CI\Keys does not trust, and a remediation needs a trusted key even under TestSigning"
                    : signed.Reason!.Replace(directory, package.Name, StringComparison.Ordinal).TrimEnd('.');
                return Record(hive, refused with { Reason = why });
            }

            var change = RemediationChange.Load(directory);
            using var files = change.StageFiles(machine.NewStagingPath);
            return hive.Transaction(() =>
            {
                var reason = $"remediation {package.Name} from {source}: {change.Reason}";
                var written = GuardedWrite.Write(hive, Author, reason, editor => change.ApplyTo(editor, hive, baseSet, files));
                return written.Changed
                    ? Record(hive, refused with { Outcome = RemediationOutcome.Applied, ControlSet = written.ControlSet, Reason = change.Reason })
                    : Record(hive, refused with { Outcome = RemediationOutcome.Unchanged, Reason = $"Default holds every change of it already ({change.Reason})" });
            });
        }
        catch (LkgException e) when (!e.IsWriteFailure)
        {
            return Record(hive, refused with { Reason = e.Message.Replace(directory, package.Name, StringComparison.Ordinal).TrimEnd('.') });
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static RemediationRecord Record(Hive hive, RemediationRecord record) => Remediations.Record(hive, record, hive.Time.GetUtcNow());
}
