namespace LastKnownGood.Drivers;

/// <summary>
/// The code integrity check that the kernel runs before every driver load and that installing
/// runs too (DESIGN §10): only a package whose files are exactly those signed, with a valid
/// signature, by a key the policy trusts (or any key, under TestSigning) passes. Anything else
/// is <c>STATUS_INVALID_IMAGE_HASH</c> with a reason. Nothing is cached: every call reads the
/// files from disk again, so a file changed since the last boot is caught at the next load.
/// </summary>
public static class CodeIntegrity
{
    /// <summary>
    /// Checks the package in <paramref name="packageDirectory"/> against <paramref name="policy"/>.
    /// Success: <paramref name="manifest"/> is set and <paramref name="reason"/> is null, or, for
    /// a package accepted only because TestSigning is on, a sentence that says it is test-signed.
    /// Failure: <see cref="NtStatus.InvalidImageHash"/> (unsigned, tampered, bad signature,
    /// untrusted key) or <see cref="NtStatus.ObjectNameNotFound"/> (no such directory), with
    /// <paramref name="reason"/> naming the problem. Never throws for anything on disk.
    /// </summary>
    public static NtStatus Verify(string packageDirectory, CodeIntegrityPolicy policy, out DriverManifest? manifest, out string? reason)
    {
        var result = Check(packageDirectory, policy);
        manifest = result.Manifest;
        reason = result.Reason;
        return result.Status;
    }

    /// <summary>As <see cref="Verify"/>, with the digest, the key and whether the package is test-signed.</summary>
    public static CodeIntegrityResult Check(string packageDirectory, CodeIntegrityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!Directory.Exists(packageDirectory))
        {
            return new(NtStatus.ObjectNameNotFound,
                $"The driver package {packageDirectory} does not exist; give the directory that holds driver.json, or install the package again.", null, null, null, false);
        }

        var signed = CheckSignature(packageDirectory, policy);
        if (!signed.Succeeded)
        {
            return signed;
        }

        // The signature covers driver.json, so the manifest is read only once it is known to be the signed one.
        return DriverManifest.TryLoad(packageDirectory, out var manifest, out var error)
            ? signed with { Manifest = manifest }
            : CodeIntegrityResult.Refused(error);
    }

    /// <summary>
    /// The signature check of <see cref="Check"/> alone, for any signed package (a driver's, a
    /// remediation's): exactly the signed files, a valid signature, a key that is trusted and not
    /// revoked, or, under TestSigning, any key (<see cref="CodeIntegrityResult.TestSigned"/>). The
    /// result carries no manifest. Never throws for anything on disk.
    /// </summary>
    public static CodeIntegrityResult CheckSignature(string packageDirectory, CodeIntegrityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!PackageSignature.TryRead(packageDirectory, out var signature, out var error))
        {
            return CodeIntegrityResult.Refused(error);
        }

        if (signature.Envelope is null && signature.Algorithm != PackageSignature.EcdsaP256Sha256)
        {
            return CodeIntegrityResult.Refused(
                $"The package {packageDirectory} is signed with \"{signature.Algorithm}\"; only an {SignatureEnvelope.Algorithm} envelope (or, from before it, {PackageSignature.EcdsaP256Sha256}) is accepted, so sign it again with lkg sign.");
        }

        if (!PackageDigest.TryCompute(packageDirectory, out var digest, out error))
        {
            return CodeIntegrityResult.Refused(error);
        }

        if (!string.Equals(digest, signature.Digest, StringComparison.OrdinalIgnoreCase))
        {
            return CodeIntegrityResult.Refused(
                $"The package {packageDirectory} was changed after it was signed: its files hash to {digest[..12]}…, not the signed {Short(signature.Digest)} (a file was added, removed or edited); restore the signed files or sign it again.");
        }

        if (!TryVerifySignature(signature, digest, policy, out error))
        {
            return CodeIntegrityResult.Refused($"The signature of the package {packageDirectory} is not valid: {error}; sign it again with lkg sign.");
        }

        var publicKey = Convert.FromBase64String(signature.PublicKey);
        if (policy.IsRevoked(publicKey, out var revoked))
        {
            return CodeIntegrityResult.Refused(
                $"The package {packageDirectory} is signed by a revoked key ({revoked}); a Last Known Good set that still lists it does not bring it back, so sign the package with a trusted key.");
        }

        var trusted = policy.TryFindTrustedKey(publicKey, out var trustedName);
        if (!trusted && !policy.TestSigning)
        {
            return CodeIntegrityResult.Refused(
                $@"The package {packageDirectory} is signed by the key ""{signature.Key}"", which Control\CI\Keys does not trust; trust it with lkg keys trust {signature.Key}, or sign with a trusted key.");
        }

        return trusted
            ? new(NtStatus.Success, null, null, digest, trustedName, TestSigned: false) { Identity = signature.Identity }
            : new(NtStatus.Success,
                $@"The package {packageDirectory} is test-signed by the key ""{signature.Key}"", which Control\CI\Keys does not trust; it loads only because TestSigning is on.",
                null, digest, signature.Key, TestSigned: true) { Identity = signature.Identity };
    }

    /// <summary>The signature over <paramref name="digest"/>: an envelope's, or an older file's over the digest's bytes alone.</summary>
    private static bool TryVerifySignature(PackageSignature signature, string digest, CodeIntegrityPolicy policy, out string error)
    {
        byte[] publicKey, signed, signatureBytes;
        try
        {
            publicKey = Convert.FromBase64String(signature.PublicKey);
            signatureBytes = signature.Envelope is null ? Convert.FromBase64String(signature.Signature!) : [];
        }
        catch (FormatException)
        {
            error = "its public key or signature is not base64";
            return false;
        }

        if (signature.Envelope is not { } envelope)
        {
            signed = Convert.FromHexString(digest);
        }
        else if (SignatureEnvelope.TryOpen(envelope, Convert.FromHexString(digest), publicKey, out var input, out var sealedSignature, out error))
        {
            (signed, signatureBytes) = (input, sealedSignature);
        }
        else
        {
            return false;
        }

        if (!policy.TryVerify(signature.PublicKey, signed, signatureBytes, out var valid, out error))
        {
            return false;
        }

        if (valid)
        {
            return true;
        }

        error = $"it was not made by the key \"{signature.Key}\" it names, over the digest it names";
        return false;
    }

    private static string Short(string digest) => digest.Length > 12 ? digest[..12] + "…" : digest;
}
