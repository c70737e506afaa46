using LastKnownGood.Registry;

namespace LastKnownGood.Machines;

/// <summary>
/// One thing a manifest puts in the control set: a key (no <see cref="Name"/>), a value, or a
/// content file read from <see cref="SourceFile"/> when the set is written.
/// </summary>
internal sealed record ManifestEntry(KeyPath Key, string? Name, RegistryValue? Value, string? SourceFile);
