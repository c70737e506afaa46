namespace LastKnownGood.Registry;

/// <summary>A value of a key, with its name as written.</summary>
public sealed record NamedValue(string Name, RegistryValue Value);
