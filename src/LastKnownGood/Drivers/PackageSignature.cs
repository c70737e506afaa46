using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using LastKnownGood.Internal;

namespace LastKnownGood.Drivers;

/// <summary>
/// A package's <c>signature.json</c>: the signing key's name and public key (base64
/// SubjectPublicKeyInfo), the algorithm (always <see cref="EcdsaP256Sha256"/>), the package
/// digest it covers (<see cref="PackageDigest"/>, hex) and the signature (base64, IEEE P1363:
/// r then s, 32 bytes each) of ECDSA P-256 with SHA-256 over the digest's 32 bytes.
/// </summary>
/// <remarks>The key name is informational: trust is decided by the public key's bytes alone.</remarks>
public sealed record PackageSignature(string Key, string PublicKey, string Algorithm, string Digest, string Signature)
{
    public const string FileName = "signature.json";

    public const string EcdsaP256Sha256 = "ECDSA-P256-SHA256";

    /// <summary>Larger files are refused unread: a signature file is a few hundred bytes.</summary>
    private const int MaxFileSize = 64 * 1024;

    /// <summary>The fields, in the order a missing one is reported.</summary>
    private static readonly string[] Fields = ["key", "publicKey", "algorithm", "digest", "signature"];

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

            if (!JsonFields.TryRead(File.ReadAllBytes(path), Fields, out var fields, out var line))
            {
                return Fail($"{path} is not valid JSON (line {line}); sign the package again.", out error);
            }

            if (!fields.IsObject)
            {
                return Fail($"{path} is not a JSON object; sign the package again.", out error);
            }

            for (var i = 0; i < Fields.Length; i++)
            {
                if (string.IsNullOrEmpty(fields.String(i)))
                {
                    return Fail($"{path}: \"{Fields[i]}\" is missing or not a string; sign the package again.", out error);
                }
            }

            signature = new(fields.String(0)!, fields.String(1)!, fields.String(2)!, fields.String(3)!, fields.String(4)!);
            error = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"{path} cannot be read ({e.Message.TrimEnd('.')}); check its permissions.", out error);
        }
    }

    /// <summary>
    /// Writes <c>signature.json</c> into the package atomically: a temporary file, flushed to
    /// disk, renamed over the old one, so a crash leaves the old signature or the new one.
    /// </summary>
    public void WriteTo(string packageDirectory)
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
                    writer.WriteString("algorithm", Algorithm);
                    writer.WriteString("digest", Digest);
                    writer.WriteString("signature", Signature);
                    writer.WriteEndObject();
                }

                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
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
