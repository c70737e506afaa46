using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>One <c>Services\&lt;Name&gt;</c> entry of a control set, as the kernel's load order needs it.</summary>
public sealed record ServiceEntry(string Name, ServiceType Type, StartType Start, ErrorControl ErrorControl, string ImagePath)
{
    public string? Group { get; init; }

    public uint? Tag { get; init; }

    public IReadOnlyList<string> DependOnService { get; init; } = [];

    public IReadOnlyList<string> DependOnGroup { get; init; } = [];

    public bool IsDriver => Type is ServiceType.KernelDriver or ServiceType.UserModeDriver;

    /// <summary>Reads an entry; false when a required value is missing or has the wrong type.</summary>
    public static bool TryRead(string name, KeyNode key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ServiceEntry? entry)
    {
        entry = null;
        if (Dword(key, "Type") is not { } type || Dword(key, "Start") is not { } start
            || !key.TryGetValue("ImagePath", out var image) || image.Kind != RegistryValueKind.Sz)
        {
            return false;
        }

        entry = new ServiceEntry(name, (ServiceType)type, (StartType)start, (ErrorControl)(Dword(key, "ErrorControl") ?? (uint)ErrorControl.Normal), image.AsString())
        {
            Group = key.TryGetValue("Group", out var group) && group.Kind == RegistryValueKind.Sz && group.AsString().Length > 0 ? group.AsString() : null,
            Tag = Dword(key, "Tag"),
            DependOnService = MultiString(key, "DependOnService"),
            DependOnGroup = MultiString(key, "DependOnGroup"),
        };
        return true;
    }

    private static uint? Dword(KeyNode key, string name) =>
        key.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.Dword ? value.AsDword() : null;

    private static IReadOnlyList<string> MultiString(KeyNode key, string name) =>
        key.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.MultiSz ? value.AsMultiString() : [];
}
