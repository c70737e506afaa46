namespace LastKnownGood.Registry;

/// <summary>A key's link to a subkey: its name as written and the hash of its node.</summary>
/// <remarks>A class, as <see cref="NamedValue"/> is: a node's list of a struct of ours would be compiled just in time at every start of the kernel.</remarks>
public sealed record SubkeyLink(string Name, ContentHash Hash);
