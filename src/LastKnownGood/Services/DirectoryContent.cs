using System.Security.Cryptography;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// Classic's content store: plain files in <c>content/&lt;Name&gt;/</c> of the machine, outside the
/// control sets, written in place (a temporary file renamed over the old one, the directory
/// fsynced). The control set only says which components exist; a push derives no set, and the
/// quarantine never sees it.
/// </summary>
public sealed class DirectoryContent(MachineDirectory machine) : ContentStore
{
    public const string TemporarySuffix = ".lkg-new";

    public override RecoveryPolicy Policy => RecoveryPolicy.Classic;

    protected override IReadOnlyList<string> NamesOf(Hive hive, int controlSet, string component)
    {
        var directory = Directory(component);
        return System.IO.Directory.Exists(directory)
            ? [.. System.IO.Directory.GetFiles(directory).Select(f => Path.GetFileName(f)).Where(IsPlainName).Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>Each file is read to hash it.</summary>
    protected override IReadOnlyList<ContentFile> ListOf(Hive hive, int controlSet, string component) =>
        [.. NamesOf(hive, controlSet, component).Select(n => Describe(Path.Combine(Directory(component), n)))];

    protected override Stream? OpenOf(Hive hive, int controlSet, string component, string name)
    {
        var path = Path.Combine(Directory(component), name);
        return IsPlainName(name) && File.Exists(path) ? File.OpenRead(path) : null;
    }

    /// <summary>Classic keeps Windows' limits: no quarantine and no pre-flight, so <paramref name="force"/> and <paramref name="preflight"/> change nothing.</summary>
    protected override ContentPushed PushOf(Hive hive, string component, string source, string name, string author, long maxSize, bool force, Preflight? preflight)
    {
        var directory = Directory(component);
        StorageError.Translate(directory, () => System.IO.Directory.CreateDirectory(directory));
        var target = Path.Combine(directory, name);
        using (var staged = StagedContent.Stage(source, target + TemporarySuffix, maxSize))
        {
            staged.MoveTo(target);
        }

        DurableDirectory.Flush(directory);
        return new(target, null);
    }

    protected override void DeleteOf(Hive hive, string component, string pattern, IReadOnlyList<string> doomed, string author)
    {
        foreach (var name in doomed)
        {
            File.Delete(Path.Combine(Directory(component), name));
        }

        DurableDirectory.Flush(Directory(component));
    }

    private string Directory(string component) => Path.Combine(machine.ContentPath, component);

    private static ContentFile Describe(string path)
    {
        using var stream = File.OpenRead(path);
        return new ContentFile(Path.GetFileName(path), stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
