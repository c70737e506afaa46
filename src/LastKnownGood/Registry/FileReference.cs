namespace LastKnownGood.Registry;

/// <summary>What a FILE value holds: the content blob's hash and size, and the file's name.</summary>
public sealed record FileReference(ContentHash Hash, long Size, string Name);
