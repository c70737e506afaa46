using System.Text.Json.Nodes;
using LastKnownGood.Drivers;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Drivers;

public sealed class CodeIntegrityTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _trusted = SigningKey.Create("release");
    private readonly SigningKey _developer = SigningKey.Create("dev");
    private readonly CodeIntegrityPolicy _policy;
    private readonly string _package;

    public CodeIntegrityTests()
    {
        _policy = new CodeIntegrityPolicy([KeyValuePair.Create("release", _trusted.PublicKey.ToArray())], testSigning: false);
        _package = DriverPackages.Create(_temp.Combine("Sensor"));
    }

    public void Dispose()
    {
        _trusted.Dispose();
        _developer.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Verify_SignedByTrustedKey_Succeeds()
    {
        PackageSigner.Sign(_package, _trusted);

        var status = CodeIntegrity.Verify(_package, _policy, out var manifest, out var reason);

        Assert.Equal(NtStatus.Success, status);
        Assert.Null(reason);
        Assert.Equal(new DriverManifest("Sensor", new Version(7, 11, 0), "Sensor.dll", "Sensor.SensorDriver"), manifest);
        var result = CodeIntegrity.Check(_package, _policy);
        Assert.Equal(("release", false, PackageDigest.Compute(_package)), (result.KeyName, result.TestSigned, result.Digest));
    }

    [Theory]
    [InlineData("change", "was changed after it was signed")]
    [InlineData("append", "was changed after it was signed")]
    [InlineData("add", "was changed after it was signed")]
    [InlineData("add-hidden", "was changed after it was signed")]
    [InlineData("add-in-subdirectory", "was changed after it was signed")]
    [InlineData("remove", "was changed after it was signed")]
    [InlineData("rename", "was changed after it was signed")]
    [InlineData("edit-driver.json", "was changed after it was signed")]
    [InlineData("remove-signature", "is not signed (it has no signature.json)")]
    [InlineData("symbolic-link", "holds a symbolic link, lib/link.dll")]
    public void Verify_PackageChangedAfterSigning_IsInvalidImageHash(string change, string expected)
    {
        PackageSigner.Sign(_package, _trusted);
        var dependency = Path.Combine(_package, "lib", "LastKnownGood.dll");
        switch (change)
        {
            case "change":
                var bytes = File.ReadAllBytes(dependency);
                bytes[1000] ^= 1;
                File.WriteAllBytes(dependency, bytes);
                break;
            case "append":
                File.AppendAllText(dependency, "x");
                break;
            case "add":
                File.WriteAllText(Path.Combine(_package, "Extra.dll"), "not signed");
                break;
            case "add-hidden":
                File.WriteAllText(Path.Combine(_package, ".hidden"), "not signed");
                break;
            case "add-in-subdirectory":
                Directory.CreateDirectory(Path.Combine(_package, "lib", "x"));
                File.WriteAllText(Path.Combine(_package, "lib", "x", "Extra.dll"), "not signed");
                break;
            case "remove":
                File.Delete(dependency);
                break;
            case "rename":
                File.Move(dependency, Path.Combine(_package, "LastKnownGood.dll"));
                break;
            case "edit-driver.json":
                File.WriteAllText(Path.Combine(_package, "driver.json"), File.ReadAllText(Path.Combine(_package, "driver.json")).Replace("7.11.0", "7.11.1"));
                break;
            case "remove-signature":
                File.Delete(Path.Combine(_package, "signature.json"));
                break;
            case "symbolic-link":
                File.CreateSymbolicLink(Path.Combine(_package, "lib", "link.dll"), dependency);
                break;
        }

        var status = CodeIntegrity.Verify(_package, _policy, out var manifest, out var reason);

        Assert.Equal(NtStatus.InvalidImageHash, status);
        Assert.Equal(0xC0000428u, status.Value);
        Assert.Null(manifest);
        Assert.Contains(expected, reason);
    }

    [Fact]
    public void Verify_Unsigned_SaysHowToSign()
    {
        var status = CodeIntegrity.Verify(_package, _policy, out _, out var reason);

        Assert.Equal(NtStatus.InvalidImageHash, status);
        Assert.Contains("is not signed", reason);
        Assert.Contains("lkg sign", reason);
    }

    [Fact]
    public void Verify_SignedByUntrustedKey_IsInvalidImageHash()
    {
        PackageSigner.Sign(_package, _developer);

        var status = CodeIntegrity.Verify(_package, _policy, out var manifest, out var reason);

        Assert.Equal(NtStatus.InvalidImageHash, status);
        Assert.Null(manifest);
        Assert.Contains("signed by the key \"dev\", which Control\\CI\\Keys does not trust", reason);
    }

    [Fact]
    public void Verify_TestSigningOn_AcceptsUntrustedValidSignature_AndSaysTestSigned()
    {
        PackageSigner.Sign(_package, _developer);
        var testMode = new CodeIntegrityPolicy([KeyValuePair.Create("release", _trusted.PublicKey.ToArray())], testSigning: true);

        var status = CodeIntegrity.Verify(_package, testMode, out var manifest, out var reason);
        var result = CodeIntegrity.Check(_package, testMode);

        Assert.Equal(NtStatus.Success, status);
        Assert.Equal("Sensor", manifest?.Name);
        Assert.Contains("test-signed by the key \"dev\"", reason);
        Assert.Equal((true, "dev"), (result.TestSigned, result.KeyName));
    }

    [Fact]
    public void Verify_TestSigningOn_StillRefusesTamperedPackage()
    {
        PackageSigner.Sign(_package, _developer);
        File.WriteAllText(Path.Combine(_package, "Extra.dll"), "not signed");
        var testMode = new CodeIntegrityPolicy([], testSigning: true);

        Assert.Equal(NtStatus.InvalidImageHash, CodeIntegrity.Verify(_package, testMode, out _, out var reason));
        Assert.Contains("was changed after it was signed", reason);
    }

    [Fact]
    public void Verify_TrustedPublicKeyClaimedOverAnotherKeysSignature_IsRefused()
    {
        PackageSigner.Sign(_package, _developer);
        EditSignature(s => s["publicKey"] = Convert.ToBase64String(_trusted.PublicKey.Span));

        var status = CodeIntegrity.Verify(_package, _policy, out _, out var reason);

        Assert.Equal(NtStatus.InvalidImageHash, status);
        Assert.Contains("signature of the package", reason);
        Assert.Contains("is not valid", reason);
    }

    [Fact]
    public void Verify_TamperedFilesWithDigestRewritten_IsRefusedByTheSignature()
    {
        PackageSigner.Sign(_package, _trusted);
        File.WriteAllText(Path.Combine(_package, "Extra.dll"), "not signed");
        EditSignature(s => s["digest"] = PackageDigest.Compute(_package));

        var status = CodeIntegrity.Verify(_package, _policy, out _, out var reason);

        Assert.Equal(NtStatus.InvalidImageHash, status);
        Assert.Contains("is not valid", reason);
    }

    [Theory]
    [InlineData("envelope", "AAAA", "is not a detached JWS")]
    [InlineData("envelope", "e30..not base64!", "is not base64url")]
    [InlineData("envelope", "e30..AAAA", "says the algorithm \"\"")]
    [InlineData("publicKey", "AAAA", "names another key than the public key it carries")]
    [InlineData("publicKey", "not base64!", "is not base64")]
    [InlineData("key", null, "\"key\" is missing")]
    [InlineData("envelope", null, "\"envelope\" is missing")]
    public void Verify_MalformedSignatureFile_IsRefusedWithTheField(string field, string? value, string expected)
    {
        PackageSigner.Sign(_package, _trusted);
        EditSignature(s =>
        {
            if (value is null)
            {
                s.Remove(field);
            }
            else
            {
                s[field] = value;
            }
        });

        Assert.Equal(NtStatus.InvalidImageHash, CodeIntegrity.Verify(_package, _policy, out _, out var reason));
        Assert.Contains(expected, reason);
    }

    [Fact]
    public void Verify_MissingDirectory_IsObjectNameNotFound()
    {
        var status = CodeIntegrity.Verify(_temp.Combine("nowhere"), _policy, out _, out var reason);

        Assert.Equal(NtStatus.ObjectNameNotFound, status);
        Assert.Contains("does not exist", reason);
    }

    [Fact]
    public void Sign_Again_ReplacesTheSignatureAndLeavesNoTemporaryFile()
    {
        PackageSigner.Sign(_package, _developer);
        File.WriteAllText(Path.Combine(_package, ".signature.json.tmp"), "left by a crash");

        PackageSigner.Sign(_package, _trusted);

        Assert.Equal(NtStatus.Success, CodeIntegrity.Verify(_package, _policy, out _, out _));
        Assert.Equal(["Sensor.dll", "driver.json", "lib", "signature.json"], Directory.EnumerateFileSystemEntries(_package).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Sign_InvalidDriverJson_NamesTheFileAndField()
    {
        File.WriteAllText(Path.Combine(_package, "driver.json"), """{"name": "Sensor", "version": "seven", "assembly": "Sensor.dll", "type": "Sensor.SensorDriver"}""");

        var error = Assert.Throws<LkgException>(() => PackageSigner.Sign(_package, _trusted));

        Assert.Contains("driver.json: \"version\" is \"seven\"", error.Message);
        Assert.False(File.Exists(Path.Combine(_package, "signature.json")));
    }

    [Theory]
    [InlineData("alg", "none", "says the algorithm \"none\"; only ES256 is accepted")]
    [InlineData("cty", "application/vnd.lastknowngood.remediation", "not a package digest")]
    [InlineData("kid", "0000", "names another key than the public key it carries")]
    public void Verify_AnEnvelopeWhoseHeaderWasChanged_IsRefused(string field, string value, string expected)
    {
        PackageSigner.Sign(_package, _trusted);
        EditSignature(s =>
        {
            var parts = s["envelope"]!.GetValue<string>().Split('.');
            var header = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]))!.AsObject();
            header[field] = value;
            s["envelope"] = $"{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(header.ToJsonString()))}..{parts[2]}";
        });

        Assert.Equal(NtStatus.InvalidImageHash, CodeIntegrity.Verify(_package, _policy, out _, out var reason));
        Assert.Contains(expected, reason);
    }

    [Fact]
    public void Sign_WritesAnEnvelope_ThatNamesItsKeyAndWhatItSigns_AndCoversTheHeader()
    {
        PackageSigner.Sign(_package, _trusted);
        var envelope = JsonNode.Parse(File.ReadAllText(Path.Combine(_package, PackageSignature.FileName)))!["envelope"]!.GetValue<string>();
        var parts = envelope.Split('.');
        var header = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]))!;

        Assert.Equal(("ES256", SignatureEnvelope.KeyId(_trusted.PublicKey.Span), SignatureEnvelope.PayloadType),
            (header["alg"]!.GetValue<string>(), header["kid"]!.GetValue<string>(), header["cty"]!.GetValue<string>()));
        Assert.Equal("", parts[1]);
        // RFC 7515: the signature is over the header and the payload, each base64url, joined by a dot.
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_trusted.PublicKey.Span, out _);
        var input = System.Text.Encoding.ASCII.GetBytes($"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(Convert.FromHexString(PackageDigest.Compute(_package)))}");
        Assert.True(key.VerifyData(input, System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), System.Security.Cryptography.HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Verify_ASignatureMadeBeforeTheEnvelope_StillVerifies_AndItsAlgorithmIsChecked()
    {
        WriteSignatureOfBeforeTheEnvelope(PackageSignature.EcdsaP256Sha256);
        var result = CodeIntegrity.Check(_package, _policy);
        WriteSignatureOfBeforeTheEnvelope("RSA-SHA1");
        var refused = CodeIntegrity.Check(_package, _policy);

        Assert.Equal((NtStatus.Success, "release"), (result.Status, result.KeyName));
        Assert.Equal(NtStatus.InvalidImageHash, refused.Status);
        Assert.Contains("is signed with \"RSA-SHA1\"; only an ES256 envelope (or, from before it, ECDSA-P256-SHA256) is accepted", refused.Reason);
    }

    /// <summary>signature.json as lkg sign wrote it before the envelope: the algorithm, and ECDSA over the digest's bytes alone.</summary>
    private void WriteSignatureOfBeforeTheEnvelope(string algorithm)
    {
        var digest = PackageDigest.Compute(_package);
        File.WriteAllText(Path.Combine(_package, PackageSignature.FileName), new JsonObject
        {
            ["key"] = "release",
            ["publicKey"] = Convert.ToBase64String(_trusted.PublicKey.Span),
            ["algorithm"] = algorithm,
            ["digest"] = digest,
            ["signature"] = Convert.ToBase64String(_trusted.Sign(Convert.FromHexString(digest))),
        }.ToJsonString());
    }

    private void EditSignature(Action<JsonObject> edit)
    {
        var path = Path.Combine(_package, "signature.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
