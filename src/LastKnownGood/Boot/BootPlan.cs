namespace LastKnownGood.Boot;

/// <summary>The next boot: its mode, and why the boot manager chose it, in words.</summary>
public sealed record BootPlan(BootMode Mode, string Reason);
