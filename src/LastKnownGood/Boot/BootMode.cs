namespace LastKnownGood.Boot;

/// <summary>How a boot runs (DESIGN §7): which column of the ErrorControl table applies, and which drivers load.</summary>
public enum BootMode
{
    Normal,

    /// <summary>Booted on Last Known Good after failed boots: start failures follow the right-hand column.</summary>
    LastKnownGood,

    /// <summary>Only what <c>Control\SafeBoot\Minimal</c> names loads; never accepted.</summary>
    SafeMinimal,

    /// <summary>Only what <c>Control\SafeBoot\Network</c> names loads; never accepted.</summary>
    SafeNetwork,
}
