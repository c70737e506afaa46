namespace LastKnownGood.Boot;

/// <summary>What the boot manager does next: boot in <see cref="Mode"/>, or halt and wait for a person.</summary>
public sealed record BootPlan(BootMode Mode, string Reason)
{
    /// <summary>No further boot: recovery has run out and a person must repair the machine.</summary>
    public bool Halt { get; init; }

    public static BootPlan Halted(string reason) => new(BootMode.SafeMinimal, reason) { Halt = true };
}
