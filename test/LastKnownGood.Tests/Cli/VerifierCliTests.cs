using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg verifier enable|disable|query</c> through the real lkg process, on a machine from the workstation manifest.</summary>
public sealed class VerifierCliTests : IDisposable
{
    private static readonly string Sample = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "machines", "workstation.json");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Machine => _temp.Combine("machine");

    [Fact]
    public async Task Enable_WithNoCheckNamed_WritesWindowsStandardSettingsAsANewControlSet_ForTheNextBoot()
    {
        await Run("init", "--from", Sample);

        var human = await Run("verifier", "enable", "hello");
        var values = await Json("reg", "query", @"SYSTEM\CurrentControlSet\Control\Verifier\Hello");
        var query = await Json("verifier", "query");

        var sentence = System.Text.RegularExpressions.Regex.Replace(human.Output, @"\s+", " ");
        Assert.Contains("(verifier enable Hello: special pool, pool tracking, deadlock detection)", sentence);
        Assert.Contains("applies from the next boot", sentence);
        Assert.Equal(
            new Dictionary<string, string> { ["Deadlock"] = "1", ["PoolTracking"] = "1", ["SpecialPool"] = "1", ["Watchdog"] = "0" },
            values.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("value").ToString()));
        var driver = Assert.Single(query.GetProperty("drivers").EnumerateArray());
        Assert.Equal(("Hello", true, true, true, false),
            (driver.GetProperty("name").GetString(), driver.GetProperty("specialPool").GetBoolean(), driver.GetProperty("poolTracking").GetBoolean(),
             driver.GetProperty("deadlock").GetBoolean(), driver.GetProperty("watchdog").GetBoolean()));
    }

    [Fact]
    public async Task Enable_ThenEnableOtherChecks_ThenDisable_EachWriteANewDefault()
    {
        await Run("init", "--from", Sample);

        var first = await Json("verifier", "enable", "Sensor", "--pool-tracking");
        var second = await Json("verifier", "enable", "Sensor", "--watchdog", "--deadlock", "--reason", "chasing a hang");
        var onlyHello = await Json("verifier", "query", "Hello");
        var sensor = Assert.Single((await Json("verifier", "query", "Sensor")).GetProperty("drivers").EnumerateArray());
        var disabled = await Json("verifier", "disable", "Sensor");
        var again = await Json("verifier", "disable", "Sensor");
        var after = await Json("verifier", "query");

        Assert.Equal(first.GetProperty("controlSet").GetInt32() + 1, second.GetProperty("controlSet").GetInt32());
        Assert.Equal((false, false, true, true),
            (sensor.GetProperty("specialPool").GetBoolean(), sensor.GetProperty("poolTracking").GetBoolean(),
             sensor.GetProperty("deadlock").GetBoolean(), sensor.GetProperty("watchdog").GetBoolean()));
        Assert.Equal(0, onlyHello.GetProperty("drivers").GetArrayLength());
        Assert.Equal((true, second.GetProperty("controlSet").GetInt32() + 1), (disabled.GetProperty("changed").GetBoolean(), disabled.GetProperty("controlSet").GetInt32()));
        Assert.False(again.GetProperty("changed").GetBoolean());
        Assert.Equal(0, after.GetProperty("drivers").GetArrayLength());
        Assert.Contains("chasing a hang", (await Run("controlset", "show", second.GetProperty("controlSet").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture))).Output);
    }

    [Fact]
    public async Task Enable_OfADriverServicesDoesNotHave_IsRefusedInOneSentence_AndTheHiveIsUnchanged()
    {
        await Run("init", "--from", Sample);
        var before = File.ReadAllBytes(Path.Combine(Machine, "system.db"));

        var result = await Lkg.RunAsync(["verifier", "enable", "NotMyFault", "--machine", Machine]);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains(@"Services\ has no driver named NotMyFault; install it with lkg driver install first", result.Error);
        Assert.DoesNotContain('\n', result.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Machine, "system.db")));
    }

    [Theory]
    [InlineData("verifier", "enable")]
    [InlineData("verifier", "enable", "Hello", "--special")]
    [InlineData("verifier", "enable", @"Hello\Parameters")]
    [InlineData("verifier", "disable")]
    [InlineData("verifier", "query", "Hello", "Sensor")]
    public async Task BadUsage_ExitsTwo_WithOneSentence(params string[] args)
    {
        await Run("init", "--from", Sample);

        var result = await Lkg.RunAsync([.. args, "--machine", Machine]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.DoesNotContain('\n', result.Error);
        Assert.NotEmpty(result.Error);
    }

    private async Task<Lkg.Result> Run(params string[] args)
    {
        var result = await Lkg.RunAsync([.. args, "--machine", Machine]);
        Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', args)} failed: {result.Error}");
        return result;
    }

    private async Task<JsonElement> Json(params string[] args) =>
        JsonDocument.Parse((await Run([.. args, "--json"])).Output).RootElement.Clone();
}
