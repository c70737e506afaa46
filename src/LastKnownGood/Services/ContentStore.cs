using System.IO.Enumeration;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// Where a component's content files live (DESIGN §6 <c>Content</c>, §8), chosen once by the
/// policy (<see cref="For(MachineDirectory, RecoveryPolicy)"/>): under Improved, FILE values in the
/// control set's <c>Services\&lt;Name&gt;\Content</c> (<see cref="ControlSetContent"/>), so a rollback
/// restores them; under Classic, the plain directory <c>content/&lt;Name&gt;/</c> of the machine,
/// outside the control sets, where Windows keeps CrowdStrike's channel files
/// (<see cref="DirectoryContent"/>): Last Known Good cannot undo a change to them. The checks of
/// names and components are here, once, for both.
/// </summary>
public abstract class ContentStore
{
    public abstract RecoveryPolicy Policy { get; }

    /// <summary>The store of <paramref name="policy"/>: the one place the policy chooses where content lives.</summary>
    public static ContentStore For(MachineDirectory machine, RecoveryPolicy policy) => policy switch
    {
        RecoveryPolicy.Improved => new ControlSetContent(machine),
        RecoveryPolicy.Classic => new DirectoryContent(machine),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>The store the control set's <c>Control\Recovery\Policy</c> chooses.</summary>
    public static ContentStore For(MachineDirectory machine, Hive hive, int controlSet) =>
        For(machine, RecoveryOptions.Read(hive, controlSet).Policy);

    /// <summary>The names of the component's content files. Nothing is read or hashed: drivers ask at every boot.</summary>
    public IReadOnlyList<string> Names(Hive hive, int controlSet, string component) => NamesOf(hive, controlSet, RequireComponent(hive, controlSet, component));

    /// <summary>The component's content files with their sizes and hashes.</summary>
    public IReadOnlyList<ContentFile> List(Hive hive, int controlSet, string component) => ListOf(hive, controlSet, RequireComponent(hive, controlSet, component));

    /// <summary>The file's bytes, or null when the component has no content of that name.</summary>
    public Stream? Open(Hive hive, int controlSet, string component, string name)
    {
        component = RequireComponent(hive, controlSet, component);
        RegistryNames.RequireValueName(name);
        return OpenOf(hive, controlSet, component, name);
    }

    /// <summary>
    /// Adds or replaces a content file of a component that <c>Default</c> has. The source must be a
    /// regular file within <c>Control\Recovery\MaxContentSize</c>, and it is read and staged before
    /// anything is written. A quarantined file is refused unless <paramref name="force"/>, and a
    /// file the component fails on in <paramref name="preflight"/> is refused and quarantined, where
    /// the store can tell (Improved). Returns where it went, in words, and the pre-flight's result.
    /// </summary>
    public ContentPushed Push(Hive hive, string component, string source, string name, string author, bool force = false, Preflight? preflight = null)
    {
        var set = hive.ReadSelect().Default;
        var canonical = RequireComponent(hive, set, component);
        RequirePlainName(name);
        return PushOf(hive, canonical, source, name, author, RecoveryOptions.Read(hive, set).MaxContentSize, force, preflight);
    }

    /// <summary>Deletes the component's content files whose names match <paramref name="pattern"/> (<c>*</c> and <c>?</c>); returns their names.</summary>
    public IReadOnlyList<string> Delete(Hive hive, string component, string pattern, string author)
    {
        var select = hive.ReadSelect();
        var canonical = RequireComponent(hive, select.Default, component);
        var doomed = NamesOf(hive, select.Default, canonical)
            .Where(n => FileSystemName.MatchesSimpleExpression(pattern, n, ignoreCase: true)).ToList();
        if (doomed.Count == 0)
        {
            throw new LkgException(NtStatus.ObjectNameNotFound,
                $"{canonical} has no content file matching {Quote.Short(pattern)}; list its files with lkg content list {canonical}.");
        }

        DeleteOf(hive, canonical, pattern, doomed, author);
        return doomed;
    }

    protected abstract IReadOnlyList<string> NamesOf(Hive hive, int controlSet, string component);

    protected abstract IReadOnlyList<ContentFile> ListOf(Hive hive, int controlSet, string component);

    protected abstract Stream? OpenOf(Hive hive, int controlSet, string component, string name);

    protected abstract ContentPushed PushOf(Hive hive, string component, string source, string name, string author, long maxSize, bool force, Preflight? preflight);

    protected abstract void DeleteOf(Hive hive, string component, string pattern, IReadOnlyList<string> doomed, string author);

    /// <summary>A name a content file may have: no directories, not a temporary file's.</summary>
    protected static bool IsPlainName(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\', '\0']) < 0 && name is not ("." or "..") && !name.EndsWith(DirectoryContent.TemporarySuffix, StringComparison.Ordinal);

    private static readonly KeyPath ServicesKey = KeyPath.Parse("Services");

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
}

/// <summary>
/// Where a pushed file went, in words, its pre-flight's result (null where the store runs none:
/// Classic), and the running boot that took it live (Improved), if one did.
/// </summary>
public sealed record ContentPushed(string Where, PreflightResult? Preflight, int? LiveBoot = null);
