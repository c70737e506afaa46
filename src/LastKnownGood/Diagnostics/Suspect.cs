namespace LastKnownGood.Diagnostics;

/// <summary>A driver other than the blamed one that the evidence also points at, and why.</summary>
public sealed record Suspect(string Driver, string Reason);
