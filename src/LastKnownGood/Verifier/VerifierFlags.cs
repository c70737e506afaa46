namespace LastKnownGood.Verifier;

/// <summary>What the verifier checks for one driver (DESIGN §11), as <c>Control\Verifier\&lt;Driver&gt;</c> DWORD values of these names (1 on).</summary>
[Flags]
public enum VerifierFlags
{
    None = 0,

    /// <summary>The driver's blocks sit against guard memory: an overrun is 0xD6 at the writing access.</summary>
    SpecialPool = 1,

    /// <summary>Blocks the driver still holds when it unloads are a leak: 0xC4, p1 0x62.</summary>
    PoolTracking = 2,

    /// <summary>Locks the driver takes through the SDK are ordered: an inversion is 0xC4, p1 0x1001.</summary>
    Deadlock = 4,

    /// <summary>The driver's calls run under a tighter watchdog deadline.</summary>
    Watchdog = 8,
}
