using System.IO.Enumeration;
using System.Security.Cryptography;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// Where a component's content files live (DESIGN §6 <c>Content</c>, §8). Under Improved they
/// are FILE values in the control set's <c>Services\&lt;Name&gt;\Content</c>, so a rollback
/// restores them. Under Classic they sit in the plain directory <c>content/&lt;Name&gt;/</c> of
/// the machine, outside the control sets, where Windows keeps CrowdStrike's channel files: Last
/// Known Good cannot undo a change to them.
/// </summary>
public sealed class ContentStore(MachineDirectory machine, RecoveryPolicy policy)
{
    public RecoveryPolicy Policy => policy;

    /// <summary>The store the control set's <c>Control\Recovery\Policy</c> chooses.</summary>
    public static ContentStore For(MachineDirectory machine, Hive hive, int controlSet) =>
        new(machine, RecoveryOptions.Read(hive, controlSet).Policy);

    /// <summary>The names of the component's content files. Nothing is read or hashed: drivers ask at every boot.</summary>
    public IReadOnlyList<string> Names(Hive hive, int controlSet, string component)
    {
        component = RequireComponent(hive, controlSet, component);
        if (policy == RecoveryPolicy.Improved)
        {
            return [.. ContentValues(hive, controlSet, component).Select(v => v.Name)];
        }

        var directory = Directory(component);
        return System.IO.Directory.Exists(directory)
            ? [.. System.IO.Directory.GetFiles(directory).Where(f => !IsTemporary(f)).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>The component's content files with their sizes and hashes (under Classic, each file is read to hash it).</summary>
    public IReadOnlyList<ContentFile> List(Hive hive, int controlSet, string component)
    {
        component = RequireComponent(hive, controlSet, component);
        return policy == RecoveryPolicy.Improved
            ? [.. ContentValues(hive, controlSet, component).Select(v => new ContentFile(v.Name, v.Value.AsFile().Size, v.Value.AsFile().Hash.ToString()))]
            : [.. Names(hive, controlSet, component).Select(n => Describe(System.IO.Path.Combine(Directory(component), n)))];
    }

    /// <summary>The file's bytes, or null when the component has no content of that name.</summary>
    public Stream? Open(Hive hive, int controlSet, string component, string name)
    {
        component = RequireComponent(hive, controlSet, component);
        RegistryNames.RequireValueName(name);
        if (policy == RecoveryPolicy.Classic)
        {
            var path = System.IO.Path.Combine(Directory(component), name);
            return IsPlainName(name) && File.Exists(path) ? File.OpenRead(path) : null;
        }

        return hive.OpenKey(controlSet, ContentKey(component)) is { } key && key.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.File
            ? hive.OpenFile(value.AsFile())
            : null;
    }

    /// <summary>
    /// Adds or replaces a content file of a component that <c>Default</c> has. Classic writes the
    /// file in place (atomically: a temporary file renamed over the old one); Improved writes a
    /// new control set. Either way the source must be a regular file within
    /// <c>Control\Recovery\MaxContentSize</c>, and it is read and staged before anything is
    /// written. Under Improved a quarantined file is refused unless <paramref name="force"/>. Returns where it went, in words.
    /// </summary>
    public string Push(Hive hive, string component, string source, string name, string author, bool force = false)
    {
        var set = hive.ReadSelect().Default;
        var canonical = RequireComponent(hive, set, component);
        RequirePlainName(name);
        var maxSize = RecoveryOptions.Read(hive, set).MaxContentSize;
        if (policy == RecoveryPolicy.Improved)
        {
            using var staged = StagedContent.Stage(source, machine.NewStagingPath(), maxSize);
            var written = Quarantine.Write(hive, author, $"content push {canonical} {name}", editor =>
                editor.SetValue(ContentKey(canonical), name, RegistryValue.File(editor.StoreFile(staged, name))), force);
            return ControlSetInfo.FormatName(written.ControlSet);
        }

        var directory = Directory(canonical);
        StorageError.Translate(directory, () => System.IO.Directory.CreateDirectory(directory));
        var target = System.IO.Path.Combine(directory, name);
        using (var staged = StagedContent.Stage(source, target + TemporarySuffix, maxSize))
        {
            staged.MoveTo(target);
        }

        DurableDirectory.Flush(directory);
        return target;
    }

    /// <summary>Deletes the component's content files whose names match <paramref name="pattern"/> (<c>*</c> and <c>?</c>); returns their names.</summary>
    public IReadOnlyList<string> Delete(Hive hive, string component, string pattern, string author)
    {
        var canonical = RequireComponent(hive, hive.ReadSelect().Default, component);
        var select = hive.ReadSelect();
        var doomed = Names(hive, select.Default, canonical)
            .Where(n => FileSystemName.MatchesSimpleExpression(pattern, n, ignoreCase: true)).ToList();
        if (doomed.Count == 0)
        {
            throw new LkgException(NtStatus.ObjectNameNotFound,
                $"{canonical} has no content file matching {Quote.Short(pattern)}; list its files with lkg content list {canonical}.");
        }

        if (policy == RecoveryPolicy.Improved)
        {
            hive.Write(author, $"content delete {canonical} {pattern}", editor => doomed.ForEach(n => editor.DeleteValue(ContentKey(canonical), n)));
            return doomed;
        }

        doomed.ForEach(n => File.Delete(System.IO.Path.Combine(Directory(canonical), n)));
        DurableDirectory.Flush(Directory(canonical));
        return doomed;
    }

    private const string TemporarySuffix = ".lkg-new";

    private static readonly KeyPath ServicesKey = KeyPath.Parse("Services");

    private static KeyPath ContentKey(string component) => ServicesKey.Child(component).Child("Content");

    private static IEnumerable<NamedValue> ContentValues(Hive hive, int controlSet, string component) =>
        (hive.OpenKey(controlSet, ContentKey(component))?.Values ?? []).Where(v => v.Value.Kind == RegistryValueKind.File);

    private string Directory(string component) => System.IO.Path.Combine(machine.ContentPath, component);

    /// <summary>The component's name as control set <paramref name="set"/> spells it; content of a component it does not have is refused.</summary>
    private static string RequireComponent(Hive hive, int set, string component) =>
        (set == 0 ? null : hive.OpenKey(set, ServicesKey))?.Subkeys.Select(s => s.Name)
            .FirstOrDefault(n => IsPlainName(n) && string.Equals(n, component, StringComparison.OrdinalIgnoreCase))
        ?? throw new LkgException(NtStatus.ObjectNameNotFound,
            $@"Services\{Quote.Short(component)} does not exist in {ControlSetInfo.FormatName(set)}; install the component before giving it content.");

    private static void RequirePlainName(string name)
    {
        RegistryNames.RequireValueName(name);
        if (!IsPlainName(name))
        {
            throw new LkgException(NtStatus.ObjectNameInvalid, $"\"{Quote.Short(name)}\" is not a plain file name; give a name without directories, such as C-00000291-00000000-00000001.sys.");
        }
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\', '\0']) < 0 && name is not ("." or "..") && !name.EndsWith(TemporarySuffix, StringComparison.Ordinal);

    private static bool IsTemporary(string path) => path.EndsWith(TemporarySuffix, StringComparison.Ordinal);

    private static ContentFile Describe(string path)
    {
        using var stream = File.OpenRead(path);
        return new ContentFile(System.IO.Path.GetFileName(path), stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
