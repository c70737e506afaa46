using LastKnownGood.Registry;

namespace LastKnownGood.Drivers;

/// <summary>
/// What <see cref="DriverStore.Install"/> did: the package's manifest, digest and identity (its
/// <c>ImagePath</c>), its installed directory, whether it was copied (false when the same package,
/// signature and all, was installed already), the hive write (a new control set, or none when
/// nothing changed) and the code integrity result.
/// </summary>
public sealed record DriverInstallResult(DriverManifest Manifest, string Digest, string ImagePath, string Directory, bool Copied, WriteResult Write, CodeIntegrityResult Integrity);
