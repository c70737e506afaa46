namespace LastKnownGood.Registry;

/// <summary>The names of value kinds as the command line and manifests spell them.</summary>
public static class RegistryValueKinds
{
    private static readonly (RegistryValueKind Kind, string Name)[] Names =
    [
        (RegistryValueKind.Dword, "DWORD"),
        (RegistryValueKind.Qword, "QWORD"),
        (RegistryValueKind.Sz, "SZ"),
        (RegistryValueKind.MultiSz, "MULTI_SZ"),
        (RegistryValueKind.Binary, "BINARY"),
        (RegistryValueKind.File, "FILE"),
    ];

    public static string Name(RegistryValueKind kind) => Names.First(n => n.Kind == kind).Name;

    /// <summary>Accepts <c>dword</c>, <c>REG_DWORD</c> and the like, in any case.</summary>
    public static bool TryParse(string text, out RegistryValueKind kind)
    {
        var name = text.StartsWith("REG_", StringComparison.OrdinalIgnoreCase) ? text[4..] : text;
        foreach (var entry in Names)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                kind = entry.Kind;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static string AllNames => string.Join(", ", Names.Select(n => n.Name.ToLowerInvariant()));
}
