using System.Runtime.Versioning;
using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg keys</c>, <c>lkg sign</c> and <c>lkg driver install</c> through the real lkg process, with keys in the test's directory.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DriverCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, string> _environment;

    public DriverCliTests() => _environment = new() { ["LKG_KEYS"] = _temp.Combine("keys") };

    public void Dispose() => _temp.Dispose();

    private string Machine => _temp.Combine("machine");

    [Fact]
    public async Task KeysCreateTrust_Sign_DriverInstall_WorkEndToEnd()
    {
        var package = DriverPackages.Create(_temp.Combine("Sensor"));
        await Run("init", "--machine", Machine);

        var created = await Json("keys", "create", "release", "--trust", "--machine", Machine);
        var signed = await Json("sign", package, "--key", "release");
        var installed = await Json("driver", "install", package, "--start", "boot", "--error-control", "critical", "--group", "Early-Launch", "--machine", Machine);
        var service = await Json("reg", "query", @"SYSTEM\CurrentControlSet\Services\Sensor", "--machine", Machine);

        Assert.Equal((true, 2), (created.GetProperty("trusted").GetBoolean(), created.GetProperty("controlSet").GetInt32()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_temp.Combine("keys", "release.key")));
        var digest = signed.GetProperty("digest").GetString()!;
        Assert.Equal(digest, installed.GetProperty("digest").GetString());
        Assert.Equal((3, true, "release", false, false),
            (installed.GetProperty("controlSet").GetInt32(), installed.GetProperty("copied").GetBoolean(), installed.GetProperty("key").GetString(),
             installed.GetProperty("testSigned").GetBoolean(), installed.GetProperty("testSigning").GetBoolean()));
        // Installed under its identity, the hash of its signature file, which names the digest.
        var imagePath = installed.GetProperty("imagePath").GetString()!;
        Assert.NotEqual(digest, imagePath);
        Assert.Equal(Path.Combine(Machine, "drivers", imagePath), installed.GetProperty("directory").GetString());
        Assert.True(File.Exists(Path.Combine(Machine, "drivers", imagePath, "lib", "LastKnownGood.dll")));
        var values = service.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("value").ToString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["ErrorControl"] = "3", ["Group"] = "Early-Launch", ["ImagePath"] = imagePath, ["Start"] = "0", ["Type"] = "1", ["Version"] = "7.11.0",
            },
            values);
    }

    [Fact]
    public async Task DriverInstall_TamperedPackage_IsInvalidImageHashAndWritesNothing()
    {
        var package = DriverPackages.Create(_temp.Combine("Sensor"));
        await Run("init", "--machine", Machine);
        await Run("keys", "create", "release", "--trust", "--machine", Machine);
        await Run("sign", package, "--key", "release");
        File.AppendAllText(Path.Combine(package, "Sensor.dll"), "tampered");
        var before = File.ReadAllBytes(Path.Combine(Machine, "system.db"));

        var result = await Lkg.RunAsync(["driver", "install", package, "--machine", Machine], _environment);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.StartsWith("STATUS_INVALID_IMAGE_HASH (0xC0000428): ", result.Error);
        Assert.Contains("was changed after it was signed", result.Error);
        Assert.DoesNotContain('\n', result.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Machine, "system.db")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Machine, "drivers")));
    }

    [Fact]
    public async Task TestSigning_EveryScreen_SaysTestMode()
    {
        var package = DriverPackages.Create(_temp.Combine("Sensor"));
        await Run("init", "--test-signing", "--machine", Machine);

        await Run("keys", "create", "dev", "--machine", _temp.Combine("no-machine"));
        await Run("sign", package, "--key", "dev");
        var install = await Run("driver", "install", package, "--machine", Machine);
        var status = await Run("status", "--machine", Machine);
        var statusJson = await Json("status", "--machine", Machine);
        var screens = new[] { install, status, await Run("history", "--machine", Machine), await Run("controlset", "list", "--machine", Machine),
            await Run("reg", "query", @"SYSTEM\CurrentControlSet\Control", "--machine", Machine), await Run("crashes", "--machine", Machine) };

        Assert.False(Directory.Exists(_temp.Combine("no-machine")));
        Assert.All(screens, screen => Assert.Contains(CommandContext.TestModeNotice, screen.Error));
        Assert.All(screens, screen => Assert.DoesNotContain("Test Mode", screen.Output));
        Assert.Contains("test-signed", install.Output);
        Assert.True(statusJson.GetProperty("testSigning").GetBoolean());
    }

    [Fact]
    public async Task Status_TestSigningOff_SaysNothingOfTestMode()
    {
        await Run("init", "--machine", Machine);

        var status = await Run("status", "--machine", Machine);
        var json = await Json("status", "--machine", Machine);

        Assert.DoesNotContain("Test Mode", status.Output + status.Error);
        Assert.False(json.GetProperty("testSigning").GetBoolean());
    }

    [Theory]
    [InlineData(ExitCodes.Usage, "--start \"often\" is not allowed", "driver", "install", "PACKAGE", "--start", "often")]
    [InlineData(ExitCodes.Usage, "--error-control \"4\" is not allowed", "driver", "install", "PACKAGE", "--error-control", "4")]
    [InlineData(ExitCodes.Usage, "Option '--key' is required", "sign", "PACKAGE")]
    [InlineData(ExitCodes.Usage, "is not a key name", "keys", "create", "../x")]
    [InlineData(ExitCodes.Failed, "is signed by the key \"dev\", which Control\\CI\\Keys does not trust", "driver", "install", "PACKAGE")]
    [InlineData(ExitCodes.Failed, "A key named dev already exists", "keys", "create", "dev")]
    [InlineData(ExitCodes.Failed, "There is no key named nobody", "sign", "PACKAGE", "--key", "nobody")]
    public async Task BadInput_GetsOneSentence_AndTheExitCode(int exitCode, string message, params string[] args)
    {
        var package = DriverPackages.Create(_temp.Combine("Sensor"));
        await Run("init", "--machine", Machine);
        await Run("keys", "create", "dev");
        await Run("sign", package, "--key", "dev");

        var result = await Lkg.RunAsync([.. args.Select(a => a == "PACKAGE" ? package : a), "--machine", Machine], _environment);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain('\n', result.Error);
    }

    private async Task<Lkg.Result> Run(params string[] args)
    {
        var result = await Lkg.RunAsync(args, _environment);
        Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', args)} failed: {result.Error}");
        return result;
    }

    private async Task<JsonElement> Json(params string[] args) =>
        JsonDocument.Parse((await Run([.. args, "--json"])).Output).RootElement.Clone();
}
