using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// <c>Control\Recovery</c> of a control set; every value is optional and has the default that
/// DESIGN §8 documents.
/// </summary>
public sealed record RecoveryOptions
{
    public static readonly KeyPath KeyPath = KeyPath.Parse(@"Control\Recovery");

    /// <summary>Control sets kept beyond those <c>Select</c> names.</summary>
    public int History { get; init; } = 16;

    public static RecoveryOptions From(KeyNode? recovery)
    {
        var options = new RecoveryOptions();
        return recovery is not null && recovery.TryGetValue(nameof(History), out var history) && history.Kind == RegistryValueKind.Dword
            ? options with { History = (int)Math.Min(history.AsDword(), 999) }
            : options;
    }
}
