namespace LastKnownGood.Registry;

/// <summary>A key's link to a subkey: its name as written and the hash of its node.</summary>
public readonly record struct SubkeyLink(string Name, ContentHash Hash);
