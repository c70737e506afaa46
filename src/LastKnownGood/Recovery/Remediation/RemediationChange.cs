using System.Text.Json;
using LastKnownGood.Internal;
using LastKnownGood.Machines;
using LastKnownGood.Registry;

namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// A remediation package's <c>remediation.json</c> (docs/recovery.md, "Remediation"): the change it
/// makes to <c>Default</c>, in words (<c>reason</c>), the keys and values it sets (<c>set</c>, in a
/// machine manifest's syntax, its <c>$file</c> values inside the package) and those it deletes
/// (<c>delete</c>: <c>{"key": "..."}</c> for a key and all below it, <c>{"key": "...", "value": "..."}</c>
/// for one value). Deleting what is not there is no error: a remediation says how the set must end up.
/// </summary>
public sealed class RemediationChange
{
    public const string FileName = "remediation.json";

    /// <summary>The largest <c>remediation.json</c> read, in bytes.</summary>
    public const long MaxSize = 1024 * 1024;

    private static readonly string[] Fields = ["reason", "set", "delete"];

    private readonly MachineManifest _set;

    private RemediationChange(string reason, MachineManifest set, IReadOnlyList<(KeyPath Key, string? Value)> deletes)
    {
        Reason = reason;
        _set = set;
        Deletes = deletes;
    }

    public string Reason { get; }

    public IReadOnlyList<(KeyPath Key, string? Value)> Deletes { get; }

    /// <summary>Reads and checks the package's <c>remediation.json</c>; a malformed one throws <see cref="LkgException"/> naming the line and the field.</summary>
    public static RemediationChange Load(string packageDirectory)
    {
        var path = Path.Combine(packageDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound, $"{Quote.Short(packageDirectory)} has no {FileName}; a remediation package is a directory holding one, with the content files it names.");
        }

        byte[] json;
        using (var source = RegularFile.Open(path, MaxSize, $"The remediation's {FileName}", "split the change into several packages"))
        {
            json = MachineManifest.ReadAll(source);
        }

        var root = ManifestReader.Read(json, FileName);
        if (root.Type != JsonTokenType.StartObject)
        {
            throw ManifestReader.Error(FileName, root.Line, "a remediation is a JSON object with \"reason\", and \"set\", \"delete\" or both.");
        }

        if (root.Members.FirstOrDefault(m => !Fields.Contains(m.Name)) is { Name: not null } unknown)
        {
            throw ManifestReader.Error(FileName, unknown.Line, $"\"{Quote.Short(unknown.Name)}\" is not a field of a remediation; use reason, set and delete.");
        }

        var reason = Member(root, "reason") is { Type: JsonTokenType.String, Text: { Length: > 0 and <= MaxReason } text } ? text
            : throw ManifestReader.Error(FileName, Member(root, "reason")?.Line ?? root.Line, $"\"reason\" must be a string of 1 to {MaxReason} characters that says what the change fixes.");
        var set = Member(root, "set") is { } setNode ? MachineManifest.FromNode(setNode, FileName, Path.GetFullPath(packageDirectory), whole: false) : MachineManifest.Empty;
        var deletes = Member(root, "delete") is { } deleteNode ? ReadDeletes(deleteNode) : [];
        if (set.Entries.Count == 0 && deletes.Count == 0)
        {
            throw ManifestReader.Error(FileName, root.Line, "the remediation changes nothing; give \"set\", \"delete\" or both.");
        }

        return new RemediationChange(reason, set, deletes);
    }

    /// <summary>Copies the content files the change stores to temporary files from <paramref name="temporaryPath"/>, before the write begins.</summary>
    public StagedFiles StageFiles(Func<string> temporaryPath) => _set.StageFiles(temporaryPath);

    /// <summary>
    /// Applies the change to a set being derived from <paramref name="baseSet"/> of <paramref name="hive"/>:
    /// the deletions of what is there first, then what it sets, with the files from <see cref="StageFiles"/>.
    /// </summary>
    public void ApplyTo(ControlSetEditor editor, Hive hive, int baseSet, StagedFiles files)
    {
        foreach (var (key, value) in Deletes)
        {
            if (hive.OpenKey(baseSet, key) is not { } node)
            {
                continue;
            }

            if (value is null)
            {
                editor.DeleteKey(key);
            }
            else if (node.TryGetValue(value, out _))
            {
                editor.DeleteValue(key, value);
            }
        }

        _set.ApplyTo(editor, files);
    }

    private const int MaxReason = 500;

    private static List<(KeyPath, string?)> ReadDeletes(ManifestNode node)
    {
        if (node.Type != JsonTokenType.StartArray)
        {
            throw ManifestReader.Error(FileName, node.Line, "\"delete\" is a list of {\"key\": ...} and {\"key\": ..., \"value\": ...} objects.");
        }

        var deletes = new List<(KeyPath, string?)>();
        foreach (var item in node.Items)
        {
            if (item.Type != JsonTokenType.StartObject || item.Members.Any(m => m.Name is not "key" and not "value")
                || Member(item, "key") is not { Type: JsonTokenType.String, Text: { } key }
                || Member(item, "value") is { Type: not JsonTokenType.String })
            {
                throw ManifestReader.Error(FileName, item.Line, "each deletion is {\"key\": \"Services\\\\Name\"} or {\"key\": ..., \"value\": \"name\"}, with strings.");
            }

            if (!KeyPath.TryParse(key, out var path, out var error))
            {
                throw ManifestReader.Error(FileName, item.Line, error);
            }

            if (path.IsRoot || !(path.Segments[0] is var top && (RegistryNames.Comparer.Equals(top, "Services") || RegistryNames.Comparer.Equals(top, "Control"))))
            {
                throw ManifestReader.Error(FileName, item.Line, $"{Quote.Short(key)} is not below Services or Control, the keys a remediation may delete.");
            }

            deletes.Add((path, Member(item, "value")?.Text));
        }

        return deletes;
    }

    private static ManifestNode? Member(ManifestNode node, string name) => node.Members.FirstOrDefault(m => m.Name == name).Value;
}
