namespace LastKnownGood.Drivers;

/// <summary>Signs packages, a driver's or a remediation's: the developer's side of <see cref="CodeIntegrity"/>.</summary>
public static class PackageSigner
{
    /// <summary>
    /// Checks the package's <c>driver.json</c>, computes its digest and writes
    /// <c>signature.json</c> atomically, replacing an earlier signature. Throws
    /// <see cref="LkgException"/> when the package is not one (no or invalid driver.json, a
    /// symbolic link, an unreadable file). The package must not change while it is signed.
    /// </summary>
    public static PackageSignature Sign(string packageDirectory, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Directory.Exists(packageDirectory))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound, $"The driver package {packageDirectory} does not exist; give the directory that holds driver.json.");
        }

        DriverManifest.Load(packageDirectory);
        return SignFiles(packageDirectory, key);
    }

    /// <summary>
    /// Computes the digest of every file of <paramref name="packageDirectory"/> and writes
    /// <c>signature.json</c> atomically, whatever the package holds: its caller checks that first.
    /// </summary>
    public static PackageSignature SignFiles(string packageDirectory, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);

        // A temporary file left by a crashed signing would otherwise be counted as a package file.
        File.Delete(PackageSignature.TemporaryPath(packageDirectory));
        var digest = PackageDigest.Compute(packageDirectory);
        return new PackageSignature(key.Name, Convert.ToBase64String(key.PublicKey.Span), digest, SignatureEnvelope.Seal(key, Convert.FromHexString(digest)))
            .WriteTo(packageDirectory);
    }
}
