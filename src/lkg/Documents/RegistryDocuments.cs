using LastKnownGood.Registry;

namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg reg query --json</c>: a key's path, its values (or the one asked for) and its subkeys' names.</summary>
internal sealed record RegQueryDocument(string Path, IReadOnlyList<ValueDocument> Values, IReadOnlyList<string> Subkeys);

/// <summary>A named registry value: its name, its type as reg.exe spells it, and its data.</summary>
internal sealed record ValueDocument(string Name, string Type, RegistryValue Value)
{
    public static ValueDocument From(NamedValue value) => new(value.Name, RegistryValueKinds.Name(value.Value.Kind), value.Value);
}

/// <summary>What a command that writes the registry did: the control set that is <c>Default</c> now, whether it is new, and the running boot that took it live, if one did.</summary>
internal sealed record WriteDocument(int ControlSet, bool Changed, int? LiveBoot)
{
    public static WriteDocument From(WriteResult write) => new(write.ControlSet, write.Changed, write.LiveBoot);
}
