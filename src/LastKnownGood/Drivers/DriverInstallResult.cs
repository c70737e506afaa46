using LastKnownGood.Registry;

namespace LastKnownGood.Drivers;

/// <summary>
/// What <see cref="DriverStore.Install"/> did: the package's manifest and digest, its installed
/// directory, whether it was copied (false when that digest was installed already), the hive
/// write (a new control set, or none when nothing changed) and the code integrity result.
/// </summary>
public sealed record DriverInstallResult(DriverManifest Manifest, string Digest, string Directory, bool Copied, WriteResult Write, CodeIntegrityResult Integrity);
