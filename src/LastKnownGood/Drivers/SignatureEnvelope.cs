using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using LastKnownGood.Internal;

namespace LastKnownGood.Drivers;

/// <summary>
/// The envelope of a package signature: a JSON Web Signature (RFC 7515) with a detached payload,
/// in compact form, <c>PROTECTED..SIGNATURE</c>. The protected header names the algorithm
/// (<c>ES256</c>: ECDSA P-256 with SHA-256, r then s), the key (<c>kid</c>: the SHA-256 of its DER
/// SubjectPublicKeyInfo, hex) and what was signed (<c>cty</c>: <see cref="PayloadType"/>, the 32 bytes
/// of a package digest); the signature covers the header and the payload together, so neither can
/// be swapped for another. Written and read here only.
/// </summary>
public static class SignatureEnvelope
{
    public const string Algorithm = "ES256";

    /// <summary>What a package signature signs: a <see cref="PackageDigest"/>, as its 32 bytes.</summary>
    public const string PayloadType = "application/vnd.lastknowngood.package-digest+sha256";

    private static readonly string[] HeaderFields = ["alg", "kid", "cty"];

    /// <summary>The key id every envelope names: SHA-256 over the key's DER SubjectPublicKeyInfo, lowercase hex.</summary>
    public static string KeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>Signs <paramref name="payload"/> with <paramref name="key"/>: the compact envelope, its payload left out.</summary>
    public static string Seal(SigningKey key, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        var header = $$"""{"alg":"{{Algorithm}}","kid":"{{KeyId(key.PublicKey.Span)}}","cty":"{{PayloadType}}"}""";
        var protectedHeader = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header));
        return $"{protectedHeader}..{Base64Url.EncodeToString(key.Sign(SigningInput(protectedHeader, payload)))}";
    }

    /// <summary>
    /// Opens <paramref name="envelope"/> for <paramref name="payload"/>: its header must say ES256, a
    /// package digest, and <paramref name="subjectPublicKeyInfo"/>'s key id. On success, what the
    /// signature covers and the signature, to verify with that key; false with the reason otherwise.
    /// </summary>
    public static bool TryOpen(string envelope, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> subjectPublicKeyInfo,
        [NotNullWhen(true)] out byte[]? signed, [NotNullWhen(true)] out byte[]? signature, out string error)
    {
        signed = signature = null;
        var parts = envelope.Split('.');
        if (parts.Length != 3 || parts[1].Length != 0)
        {
            return Fail("its envelope is not a detached JWS (PROTECTED..SIGNATURE)", out error);
        }

        byte[] header;
        try
        {
            header = Base64Url.DecodeFromChars(parts[0]);
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return Fail("its envelope is not base64url", out error);
        }

        if (!JsonFields.TryRead(header, HeaderFields, out var fields, out _) || !fields.IsObject)
        {
            return Fail("its envelope's header is not a JSON object", out error);
        }

        if (fields.String(0) != Algorithm)
        {
            return Fail($"its envelope says the algorithm \"{Quote.Short(fields.String(0) ?? "")}\"; only {Algorithm} is accepted", out error);
        }

        if (fields.String(2) != PayloadType)
        {
            return Fail($"its envelope signs \"{Quote.Short(fields.String(2) ?? "")}\", not a package digest ({PayloadType})", out error);
        }

        if (fields.String(1) != KeyId(subjectPublicKeyInfo))
        {
            return Fail("its envelope names another key than the public key it carries", out error);
        }

        signed = SigningInput(parts[0], payload);
        error = "";
        return true;
    }

    /// <summary>RFC 7515's signing input: the protected header and the payload, each base64url, joined by a dot.</summary>
    private static byte[] SigningInput(string protectedHeader, ReadOnlySpan<byte> payload) =>
        Encoding.ASCII.GetBytes($"{protectedHeader}.{Base64Url.EncodeToString(payload)}");

    private static bool Fail(string reason, out string error)
    {
        error = reason;
        return false;
    }
}
