using System.Globalization;
using System.Text.Json;
using LastKnownGood.Internal;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Machines;

/// <summary>
/// A machine manifest: JSON (comments allowed) describing the <c>Services</c> and <c>Control</c>
/// keys of a first control set. Objects are keys; numbers are DWORD (QWORD when larger);
/// strings are SZ; arrays of strings are MULTI_SZ; <c>{"$type": "binary", "value": "base64"}</c>
/// names a type; <c>{"$file": "relative/path"}</c> is a content file. Loading checks everything
/// against <see cref="ServiceSchema"/>, so a manifest that loads can be written whole.
/// </summary>
public sealed class MachineManifest
{
    private static readonly string[] TopLevelKeys = ["Services", "Control"];
    private static readonly string[] RequiredServiceValues = ["Type", "Start", "ImagePath"];

    /// <summary>The largest manifest <see cref="Load"/> reads, in bytes (16 MiB: some 100,000 services).</summary>
    public const long MaxSize = 16 * 1024 * 1024;

    private MachineManifest(IReadOnlyList<ManifestEntry> entries) => Entries = entries;

    public static MachineManifest Empty { get; } = new([]);

    internal IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>
    /// Loads and checks a manifest, a regular file of at most <see cref="MaxSize"/> bytes (UTF-8,
    /// with or without a byte order mark); errors name the file, line, field and reason. Every
    /// check costs in proportion to the manifest's size.
    /// </summary>
    public static MachineManifest Load(string path)
    {
        byte[] json;
        using (var source = RegularFile.Open(path, MaxSize, "The manifest", "split the machine into a smaller manifest, or set the rest with lkg reg set after lkg init"))
        {
            json = ReadAll(source);
        }

        return Parse(json, Quote.Short(Path.GetFileName(path)), Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Checks a manifest's bytes; <paramref name="directory"/> is where its relative FILE values point.</summary>
    internal static MachineManifest Parse(ReadOnlySpan<byte> json, string file, string directory) =>
        FromNode(ManifestReader.Read(json, file), file, directory, whole: true);

    /// <summary>
    /// Checks a manifest already read. Not <paramref name="whole"/>, it is a change to an existing set
    /// (a remediation package's <c>set</c>): a service need not have every value a new one needs, and
    /// its FILE values must lie inside <paramref name="directory"/>.
    /// </summary>
    internal static MachineManifest FromNode(ManifestNode root, string file, string directory, bool whole)
    {
        if (root.Type != JsonTokenType.StartObject)
        {
            throw ManifestReader.Error(file, root.Line, "a manifest is a JSON object with Services and Control.");
        }

        var builder = new Builder(file, directory, whole);
        foreach (var (name, line, value) in root.Members)
        {
            if (!TopLevelKeys.Contains(name, RegistryNames.Comparer))
            {
                throw ManifestReader.Error(file, line, $"\"{Quote.Short(name)}\" is not a manifest section; use Services and Control.");
            }

            builder.AddKey(KeyPath.Root.Child(name), line, value);
        }

        if (whole)
        {
            builder.CheckServices();
        }

        return new MachineManifest(builder.Entries);
    }

    /// <summary>The manifest's <c>Control\Recovery\Policy</c>, if it names one.</summary>
    public RecoveryPolicy? Policy => Entries.FirstOrDefault(e => e.Key == RecoveryOptions.KeyPath && e.Name == nameof(RecoveryOptions.Policy))?.Value is { } value
        && Enum.TryParse<RecoveryPolicy>(value.AsString(), ignoreCase: true, out var policy) ? policy : null;

    /// <summary>The manifest's <c>Control\Recovery\MaxContentSize</c>, else the default: the limit for its own content files.</summary>
    public long MaxContentSize => Entries.FirstOrDefault(e => e.Key == RecoveryOptions.KeyPath && e.Name == nameof(RecoveryOptions.MaxContentSize))?.Value is { Kind: RegistryValueKind.Dword } value
        && value.AsDword() > 0 ? value.AsDword() : RecoveryOptions.DefaultMaxContentSize;

    /// <summary>
    /// Reads, checks and copies every file <see cref="ApplyTo"/> will store (each within
    /// <see cref="MaxContentSize"/>) to temporary files from <paramref name="temporaryPath"/>,
    /// before the write begins. Disposing the result removes them.
    /// </summary>
    public StagedFiles StageFiles(Func<string> temporaryPath, bool includeContent = true)
    {
        var staged = new StagedFiles();
        try
        {
            foreach (var source in Entries.Where(e => e.SourceFile is not null && (includeContent || !IsContent(e))).Select(e => e.SourceFile!).Distinct())
            {
                staged.Add(source, StagedContent.Stage(source, temporaryPath(), MaxContentSize));
            }

            return staged;
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    /// <summary>The content files the manifest gives components (FILE values of <c>Services\&lt;Name&gt;\Content</c>).</summary>
    public IEnumerable<(string Component, string Name, string Source)> ContentFiles =>
        Entries.Where(IsContent).Select(e => (e.Key.Segments[1], e.Name!, e.SourceFile!));

    /// <summary>
    /// Writes the manifest's keys, values and files into a control set being derived. Without
    /// <paramref name="includeContent"/>, components' content files are left out: the Classic
    /// policy keeps them outside the control sets. The files come from <paramref name="files"/>,
    /// staged by <see cref="StageFiles"/> with the same <paramref name="includeContent"/>.
    /// </summary>
    public void ApplyTo(ControlSetEditor editor, StagedFiles files, bool includeContent = true)
    {
        foreach (var entry in Entries.Where(e => includeContent || !IsContent(e)))
        {
            if (entry.SourceFile is { } source)
            {
                editor.SetValue(entry.Key, entry.Name!, RegistryValue.File(editor.StoreFile(files[source], Path.GetFileName(source))));
            }
            else if (entry.Value is { } value)
            {
                editor.SetValue(entry.Key, entry.Name!, value);
            }
            else
            {
                editor.CreateKey(entry.Key);
            }
        }
    }

    internal static byte[] ReadAll(RegularFile source)
    {
        using var json = new MemoryStream((int)source.Size);
        var buffer = new byte[64 * 1024];
        for (int read; (read = source.Read(buffer)) > 0;)
        {
            json.Write(buffer, 0, read);
        }

        return json.ToArray();
    }

    private static bool IsContent(ManifestEntry entry) =>
        entry.SourceFile is not null && entry.Key.Segments is [var services, _, var content]
        && string.Equals(services, "Services", StringComparison.OrdinalIgnoreCase) && string.Equals(content, "Content", StringComparison.OrdinalIgnoreCase);

    private sealed class Builder(string file, string directory, bool whole)
    {
        private readonly Dictionary<string, Service> _services = new(RegistryNames.Comparer);

        public List<ManifestEntry> Entries { get; } = [];

        public void AddKey(KeyPath key, int line, ManifestNode node)
        {
            if (node.Type != JsonTokenType.StartObject)
            {
                throw Error(line, key.ToString(), "must be an object of keys and values.");
            }

            Entries.Add(new(key, null, null, null));
            if (IsService(key))
            {
                _services[key.Name] = new Service(line);
            }

            foreach (var (name, memberLine, value) in node.Members)
            {
                var field = key.IsRoot ? name : $@"{key}\{name}";
                if (value.Type == JsonTokenType.StartObject && !IsTypedValue(value))
                {
                    if (!RegistryNames.TryValidateKeyName(name, out var keyError))
                    {
                        throw Error(memberLine, field, keyError);
                    }

                    AddKey(key.Child(name), memberLine, value);
                }
                else
                {
                    AddValue(key, name, memberLine, value, field);
                }
            }
        }

        public void CheckServices()
        {
            foreach (var (service, facts) in _services)
            {
                if (RequiredServiceValues.FirstOrDefault(r => !facts.Values.Contains(r)) is { } missing)
                {
                    throw Error(facts.Line, $@"Services\{service}", $"has no {missing}; every service needs {string.Join(", ", RequiredServiceValues)}.");
                }
            }

            if (ServiceSchema.FindDependencyCycle(_services.ToDictionary(s => s.Key, s => s.Value.DependOn, RegistryNames.Comparer)) is { } cycle)
            {
                throw Error(_services[cycle[0]].Line, $@"Services\{cycle[0]}\DependOnService",
                    $"the services depend on each other in a cycle ({Quote.Short(string.Join(" -> ", cycle))}); remove one of the dependencies.");
            }
        }

        private void AddValue(KeyPath key, string name, int line, ManifestNode node, string field)
        {
            if (key.IsRoot)
            {
                throw Error(line, field, "a manifest section must be an object.");
            }

            if (!RegistryNames.TryValidateValueName(name, out var nameError))
            {
                throw Error(line, field, nameError);
            }

            var (value, source) = ToValue(node, line, field);
            if (!ServiceSchema.TryValidateValue(key, name, value, out var error))
            {
                throw Error(line, field, error);
            }

            if (IsService(key))
            {
                var service = _services[key.Name];
                service.Values.Add(name);
                if (RegistryNames.Comparer.Equals(name, "DependOnService"))
                {
                    service.DependOn = value.AsMultiString();
                }
            }

            Entries.Add(new(key, name, source is null ? value : null, source));
        }

        private (RegistryValue Value, string? Source) ToValue(ManifestNode node, int line, string field)
        {
            try
            {
                return node.Type switch
                {
                    JsonTokenType.Number => (ToNumber(node.Text!, null, line, field), null),
                    JsonTokenType.String => (RegistryValue.String(node.Text!), null),
                    JsonTokenType.StartArray => (RegistryValue.MultiString(node.Items.Select(i => i.Type == JsonTokenType.String
                        ? i.Text!
                        : throw Error(i.Line, field, "a list (MULTI_SZ) holds strings only."))), null),
                    JsonTokenType.StartObject when Member(node, "$file") is { } fileNode => ToFile(fileNode, field),
                    JsonTokenType.StartObject => (ToTyped(node, line, field), null),
                    _ => throw Error(line, field, $"{Quote.Short(node.Text ?? "")} is not a registry value; use a number, a string, a list of strings or an object."),
                };
            }
            catch (LkgException e) when (!e.Message.StartsWith(file, StringComparison.Ordinal))
            {
                throw Error(line, field, e.Message);
            }
        }

        private RegistryValue ToTyped(ManifestNode node, int line, string field)
        {
            if (node.Members.Any(m => m.Name is not "$type" and not "value"))
            {
                throw Error(line, field, "a typed value has only \"$type\" and \"value\".");
            }

            var typeNode = Member(node, "$type");
            var valueNode = Member(node, "value") ?? throw Error(line, field, "a typed value needs \"value\".");
            if (typeNode?.Text is not { } typeName || !RegistryValueKinds.TryParse(typeName, out var kind) || kind == RegistryValueKind.File)
            {
                throw Error(line, field, $"\"$type\" must be one of dword, qword, sz, multi_sz, binary (content files use \"$file\").");
            }

            return (kind, valueNode.Type) switch
            {
                (RegistryValueKind.Dword or RegistryValueKind.Qword, JsonTokenType.Number) => ToNumber(valueNode.Text!, kind, line, field),
                (RegistryValueKind.Sz or RegistryValueKind.MultiSz, _) => ToValue(valueNode, line, field).Value is var v && v.Kind == kind
                    ? v : throw Error(line, field, $"the value does not fit {typeName}."),
                (RegistryValueKind.Binary, JsonTokenType.String) => FromBase64(valueNode.Text!) is { } bytes
                    ? RegistryValue.Binary(bytes)
                    : throw Error(line, field, "a binary value is a base64 string."),
                _ => throw Error(line, field, $"the value does not fit {typeName}."),
            };
        }

        private (RegistryValue, string) ToFile(ManifestNode node, string field)
        {
            var relative = node.Type == JsonTokenType.String ? node.Text! : throw Error(node.Line, field, "\"$file\" is a path relative to the manifest.");
            var source = Path.GetFullPath(Path.Combine(directory, relative));
            if (!whole && !source.StartsWith(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw Error(node.Line, field, $"the content file {Quote.Short(relative)} is outside the package; put it in the package's directory.");
            }

            if (!File.Exists(source))
            {
                throw Error(node.Line, field, $"the content file {Quote.Short(relative)} does not exist next to the manifest.");
            }

            var placeholder = new FileReference(default, new FileInfo(source).Length, Path.GetFileName(source));
            return (RegistryValue.File(placeholder), source);
        }

        /// <summary>A bare number is DWORD, or QWORD when it does not fit; a typed one must fit its type.</summary>
        private RegistryValue ToNumber(string text, RegistryValueKind? typed, int line, string field)
        {
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw Error(line, field, $"{Quote.Short(text)} is not a whole number from 0 to {ulong.MaxValue}.");
            }

            return typed switch
            {
                RegistryValueKind.Qword => RegistryValue.Qword(number),
                RegistryValueKind.Dword when number > uint.MaxValue => throw Error(line, field, $"{text} does not fit a DWORD; use qword."),
                _ => number > uint.MaxValue ? RegistryValue.Qword(number) : RegistryValue.Dword((uint)number),
            };
        }

        private static byte[]? FromBase64(string text)
        {
            var buffer = new byte[text.Length];
            return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
        }

        private static ManifestNode? Member(ManifestNode node, string name) =>
            node.Members.FirstOrDefault(m => m.Name == name).Value;

        private static bool IsTypedValue(ManifestNode node) => Member(node, "$type") is not null || Member(node, "$file") is not null;

        private static bool IsService(KeyPath key) => key.Segments.Count == 2 && RegistryNames.Comparer.Equals(key.Segments[0], "Services");

        private LkgException Error(int line, string field, string reason) => ManifestReader.Error(file, line, $"{Quote.Short(field)}: {reason}");

        /// <summary>What the checks need of one service, gathered as its values are read.</summary>
        private sealed class Service(int line)
        {
            public int Line { get; } = line;

            public HashSet<string> Values { get; } = new(RegistryNames.Comparer);

            public IReadOnlyList<string> DependOn { get; set; } = [];
        }
    }
}
