namespace LastKnownGood.Services;

/// <summary>One of a component's content files: its name, size and SHA-256 (hex).</summary>
public sealed record ContentFile(string Name, long Size, string Sha256);
