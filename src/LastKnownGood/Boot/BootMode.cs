namespace LastKnownGood.Boot;

/// <summary>How a boot runs (DESIGN §7): which column of the ErrorControl table applies, and which drivers load.</summary>
public enum BootMode
{
    Normal,

    /// <summary>Booted on Last Known Good after failed boots: start failures follow the right-hand column.</summary>
    LastKnownGood,

    /// <summary>
    /// Improved's bisection (DESIGN §8): a set derived from Last Known Good with some of the change
    /// sets since, booted once to test them; <c>Default</c> stays. Start failures follow the normal
    /// column; an accepted trial becomes Last Known Good.
    /// </summary>
    Trial,

    /// <summary>Only what <c>Control\SafeBoot\Minimal</c> names loads; never accepted.</summary>
    SafeMinimal,

    /// <summary>Only what <c>Control\SafeBoot\Network</c> names loads; never accepted.</summary>
    SafeNetwork,
}
