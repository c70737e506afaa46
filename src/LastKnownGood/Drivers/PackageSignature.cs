using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using LastKnownGood.Internal;

namespace LastKnownGood.Drivers;

/// <summary>
/// A package's <c>signature.json</c>: the signing key's name and public key (base64
/// SubjectPublicKeyInfo), the package digest it covers (<see cref="PackageDigest"/>, hex) and the
/// signature, a <see cref="SignatureEnvelope"/> that names its algorithm, its key and what it signs.
/// Files signed before the envelope carry <c>algorithm</c> (<see cref="EcdsaP256Sha256"/>) and
/// <c>signature</c> (base64, IEEE P1363, of ECDSA P-256 with SHA-256 over the digest's 32 bytes)
/// instead, and still verify.
/// </summary>
/// <remarks>The key name is informational: trust is decided by the public key's bytes alone.</remarks>
public sealed record PackageSignature(string Key, string PublicKey, string Digest, string? Envelope, string? Algorithm = null, string? Signature = null)
{
    public const string FileName = "signature.json";

    /// <summary>The algorithm of a signature made before the envelope.</summary>
    public const string EcdsaP256Sha256 = "ECDSA-P256-SHA256";

    /// <summary>Larger files are refused unread: a signature file is a few hundred bytes.</summary>
    private const int MaxFileSize = 64 * 1024;

    /// <summary>The fields, the three every file has first, in the order a missing one is reported.</summary>
    private static readonly string[] Fields = ["key", "publicKey", "digest", "envelope", "algorithm", "signature"];

    /// <summary>
    /// SHA-256 of the file as it was read, hex: the name of the package's installed copy. The file
    /// names the digest of every other file, so two packages share it only when they share every
    /// byte, their signature's included (<see cref="DriverStore"/>).
    /// </summary>
    public string Identity { get; init; } = "";

    /// <summary>Reads <c>signature.json</c>; false with one sentence when it is missing or malformed. Never throws for bad input.</summary>
    public static bool TryRead(string packageDirectory, [NotNullWhen(true)] out PackageSignature? signature, out string error)
    {
        signature = null;
        var path = Path.Combine(packageDirectory, FileName);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail($"The package {packageDirectory} is not signed (it has no {FileName}); sign it with lkg sign {packageDirectory} --key NAME.", out error);
            }

            if (FileStatus.Of(path) is { IsRegularFile: false } status)
            {
                return Fail($"{path} is {status.Kind}, not a regular file; sign the package again.", out error);
            }

            if (info.Length > MaxFileSize)
            {
                return Fail($"{path} is {info.Length:N0} bytes, over the limit of {MaxFileSize:N0}; sign the package again.", out error);
            }

            var bytes = File.ReadAllBytes(path);
            if (!JsonFields.TryRead(bytes, Fields, out var fields, out var line))
            {
                return Fail($"{path} is not valid JSON (line {line}); sign the package again.", out error);
            }

            if (!fields.IsObject)
            {
                return Fail($"{path} is not a JSON object; sign the package again.", out error);
            }

            // The envelope, or (from older files) the algorithm and the signature.
            int[] required = fields.Has(3) || !(fields.Has(4) || fields.Has(5)) ? [0, 1, 2, 3] : [0, 1, 2, 4, 5];
            foreach (var i in required)
            {
                if (string.IsNullOrEmpty(fields.String(i)))
                {
                    return Fail($"{path}: \"{Fields[i]}\" is missing or not a string; sign the package again.", out error);
                }
            }

            signature = new(fields.String(0)!, fields.String(1)!, fields.String(2)!, fields.String(3), fields.String(4), fields.String(5))
            {
                Identity = IdentityOf(bytes),
            };
            error = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"{path} cannot be read ({e.Message.TrimEnd('.')}); check its permissions.", out error);
        }
    }

    private static string IdentityOf(ReadOnlySpan<byte> file) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));

    /// <summary>
    /// Writes <c>signature.json</c> into the package atomically: a temporary file, flushed to
    /// disk, renamed over the old one, so a crash leaves the old signature or the new one.
    /// Returns the signature with its <see cref="Identity"/>, the hash of what was written.
    /// </summary>
    public PackageSignature WriteTo(string packageDirectory)
    {
        var path = Path.Combine(packageDirectory, FileName);
        var temporary = TemporaryPath(packageDirectory);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                // Base64's '+' stays unescaped, so the file shows what it holds; it is never embedded in HTML.
                // Made here, not in a static field, so that reading a signature never loads System.Text.Json.
                var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
                using (var writer = new Utf8JsonWriter(stream, options))
                {
                    writer.WriteStartObject();
                    writer.WriteString("key", Key);
                    writer.WriteString("publicKey", PublicKey);
                    writer.WriteString("digest", Digest);
                    writer.WriteString("envelope", Envelope ?? throw new InvalidOperationException("Only an envelope is written: older signatures are read, never made."));
                    writer.WriteEndObject();
                }

                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }

            var written = this with { Identity = IdentityOf(File.ReadAllBytes(temporary)) };
            File.Move(temporary, path, overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Where <see cref="WriteTo"/> builds the file; a crash can leave it behind, and the next signing removes it.</summary>
    internal static string TemporaryPath(string packageDirectory) => Path.Combine(packageDirectory, $".{FileName}.tmp");

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
