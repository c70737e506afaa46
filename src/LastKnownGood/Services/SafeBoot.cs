using LastKnownGood.Boot;
using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// <c>Control\SafeBoot\Minimal</c> and <c>\Network</c> (DESIGN §8): a safe-mode boot loads only
/// the components these keys name, by service name or by group, as Windows does.
/// </summary>
public static class SafeBoot
{
    /// <summary>The key that lists what a boot in <paramref name="mode"/> may load; null for a boot that is not safe mode.</summary>
    public static KeyPath? KeyFor(BootMode mode) => mode switch
    {
        BootMode.SafeMinimal => KeyPath.Parse(@"Control\SafeBoot\Minimal"),
        BootMode.SafeNetwork => KeyPath.Parse(@"Control\SafeBoot\Network"),
        _ => null,
    };

    /// <summary>Whether the list (the key's subkeys) names <paramref name="entry"/> or its group.</summary>
    public static bool Allows(KeyNode? list, ServiceEntry entry) =>
        list is not null && (list.TryGetSubkey(entry.Name, out _) || (entry.Group is { } group && list.TryGetSubkey(group, out _)));
}
