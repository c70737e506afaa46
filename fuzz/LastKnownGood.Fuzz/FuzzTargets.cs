using System.Text;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using Sensor;

namespace LastKnownGood.Fuzz;

/// <summary>
/// What each harness feeds its input to, and what it holds to be true of the answer. A refusal
/// the code documents (an <see cref="LkgException"/> with a sentence, a
/// <see cref="HiveCorruptException"/>, a parser's error string) is a correct answer; any other
/// exception, or a broken property, escapes and is a crash for afl-fuzz.
/// </summary>
public static partial class FuzzTargets
{
    /// <summary>The harnesses by name, as <c>scripts/fuzz.sh</c> and the corpus folders name them.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>
    {
        ["manifest"] = Manifest,
        ["channel"] = Channel,
        ["keypath"] = KeyPathText,
        ["node"] = Node,
        ["frame"] = Frames,
    };

    private static readonly string NoFiles = Path.Combine(Path.GetTempPath(), "lkg-fuzz-no-files");

    /// <summary>A machine manifest: read, checked, and every entry's key and value well formed.</summary>
    public static void Manifest(byte[] input)
    {
        MachineManifest manifest;
        try
        {
            manifest = MachineManifest.Parse(input, "fuzz.json", NoFiles);
        }
        catch (LkgException e)
        {
            Require(e.Message.StartsWith("fuzz.json:", StringComparison.Ordinal), $"A manifest refusal does not name the file and line: {e.Message}");
            Require(!e.Message.Contains('\n'), $"A manifest refusal is more than one line: {e.Message}");
            return;
        }

        foreach (var entry in manifest.Entries)
        {
            Require(entry.Key.Segments.Count <= RegistryNames.MaxDepth, "An entry's key is deeper than the limit.");
            Require(entry.Key.Segments.All(s => RegistryNames.TryValidateKeyName(s, out _)), "An entry's key has an invalid name.");
            Require(entry.Name is null || RegistryNames.TryValidateValueName(entry.Name, out _), "An entry's value has an invalid name.");
        }
    }

    /// <summary>
    /// A channel file as the Sensor driver reads it: parsed, then validated. The parser and the
    /// validator must answer (accept, or refuse with a sentence) and agree with each other. The
    /// interpreter is not fed: that it reads past its inputs is the sample's CrowdStrike flaw.
    /// </summary>
    public static void Channel(byte[] input)
    {
        if (!ChannelFile.TryParse("C-00000291-fuzz.sys", new MemoryStream(input, writable: false), out var file, out var error))
        {
            Require(file is null && !string.IsNullOrEmpty(error), "A refused channel file has no error or a parsed file.");
            return;
        }

        if (ContentValidator.Validate(file!, out error))
        {
            Require(file!.Instances.All(i => i.Criteria.Count == IpcTemplateType.DeclaredFields), "The validator passed an instance with the wrong number of criteria.");
        }
        else
        {
            Require(!string.IsNullOrEmpty(error), "The validator refused without a reason.");
        }
    }

    /// <summary>A registry path as users type it: parsed, and what parses prints back to the same path.</summary>
    public static void KeyPathText(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (!RegistryPath.TryParse(text, out var path, out var error))
        {
            Require(error.Length > 0, "A refused path has no error.");
            Require(error.Length < 400, "A path's error quotes too much of it.");
            return;
        }

        Require(path.Key.Segments.Count <= RegistryNames.MaxDepth, "A parsed path is deeper than the limit.");
        Require(RegistryPath.TryParse(path.ToString(), out var again, out error), $"A parsed path does not parse again when printed: {error}");
        Require(again.Kind == path.Kind && again.ControlSet == path.ControlSet && again.Key.Equals(path.Key), "A parsed path prints as a different path.");
    }

    /// <summary>
    /// A key node's stored bytes, as the hive decodes them once their hash matches: either
    /// corruption, or a node whose lists are sorted and unique, whose names are valid, and whose
    /// canonical encoding decodes to the same node.
    /// </summary>
    public static void Node(byte[] input)
    {
        KeyNode node;
        try
        {
            node = KeyNode.Decode(input, ContentHash.Of(input));
        }
        catch (HiveCorruptException)
        {
            return;
        }

        RequireSortedUnique(node.Values.Select(v => v.Name));
        RequireSortedUnique(node.Subkeys.Select(s => s.Name));
        Require(node.Values.All(v => RegistryNames.TryValidateValueName(v.Name, out _)), "A decoded node has an invalid value name.");
        Require(node.Subkeys.All(s => RegistryNames.TryValidateKeyName(s.Name, out _)), "A decoded node has an invalid subkey name.");

        var encoded = node.Encode();
        var again = KeyNode.Decode(encoded, ContentHash.Of(encoded));
        Require(again.Encode().AsSpan().SequenceEqual(encoded), "A node's canonical encoding does not decode to the same node.");
    }

    private static void RequireSortedUnique(IEnumerable<string> names)
    {
        string? previous = null;
        foreach (var name in names)
        {
            Require(previous is null || RegistryNames.Comparer.Compare(previous, name) < 0, $"A decoded node's names are not sorted and unique at \"{name}\".");
            previous = name;
        }
    }

    private static void Require(bool condition, string broken)
    {
        if (!condition)
        {
            throw new FuzzPropertyException(broken);
        }
    }
}

/// <summary>A property a harness holds was broken: a crash, as an unexpected exception is.</summary>
public sealed class FuzzPropertyException(string message) : Exception(message);
