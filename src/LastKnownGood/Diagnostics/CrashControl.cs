using LastKnownGood.Registry;

namespace LastKnownGood.Diagnostics;

/// <summary>
/// <c>Control\CrashControl\DumpType</c> (DESIGN §6, §9): whether the boot manager writes a process
/// dump of a stopped kernel, and which. Absent or anything else: none.
/// </summary>
public enum DumpType
{
    None,

    /// <summary>The threads' stacks and the runtime's own data: enough for the managed stack and the loaded modules.</summary>
    Mini,

    /// <summary>All of the kernel's memory.</summary>
    Full,
}

/// <summary>Reads <see cref="DumpType"/> from a control set.</summary>
public static class CrashControl
{
    public static readonly KeyPath KeyPath = KeyPath.Parse(@"Control\CrashControl");

    public static DumpType ReadDumpType(Hive hive, int controlSet) =>
        hive.OpenKey(controlSet, KeyPath) is { } key && key.TryGetValue("DumpType", out var value) && value.Kind == RegistryValueKind.Sz
            ? value.AsString().ToLowerInvariant() switch { "mini" => DumpType.Mini, "full" => DumpType.Full, _ => DumpType.None }
            : DumpType.None;
}
