namespace LastKnownGood.Drivers;

/// <summary>
/// The outcome of checking a package (<see cref="CodeIntegrity.Check"/>). On success the
/// manifest, digest and key are set; <see cref="TestSigned"/> says the key is not trusted and
/// the package passed only because TestSigning is on, and <see cref="Reason"/> then says so.
/// On failure <see cref="Status"/> is the refusal (<see cref="NtStatus.InvalidImageHash"/>, or
/// <see cref="NtStatus.ObjectNameNotFound"/> when there is no package) and <see cref="Reason"/>
/// is one sentence naming the problem.
/// </summary>
public sealed record CodeIntegrityResult(NtStatus Status, string? Reason, DriverManifest? Manifest, string? Digest, string? KeyName, bool TestSigned)
{
    /// <summary>On success, the package's identity: the SHA-256 of its <c>signature.json</c> (<see cref="PackageSignature.Identity"/>), which names its installed copy.</summary>
    public string? Identity { get; init; }

    public bool Succeeded => Status.IsSuccess;

    internal static CodeIntegrityResult Refused(string reason) => new(NtStatus.InvalidImageHash, reason, null, null, null, false);
}
