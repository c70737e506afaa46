using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>The real lkg program, run as a child process, as users and scripts run it.</summary>
public sealed class LkgCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Machine => _temp.Combine("machine");

    [Fact]
    public async Task InitSetQueryDiff_WorkEndToEnd_WithJson()
    {
        var sample = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "machines", "workstation.json");
        await Ok("init", "--from", sample, "--machine", Machine);

        var set = await Ok("reg", "set", @"SYSTEM\CurrentControlSet\Services\Sensor\Parameters", "EventBudget", "21", "--type", "dword", "--machine", Machine, "--json");
        var query = await Ok("reg", "query", @"HKLM\SYSTEM\ControlSet002\Services\Sensor\Parameters", "EventBudget", "--machine", Machine, "--json");
        var diff = await Ok("controlset", "diff", "1", "2", "--machine", Machine, "--json");
        var status = await Ok("status", "--machine", Machine, "--json");

        Assert.Equal(2, set.GetProperty("controlSet").GetInt32());
        Assert.Equal(21, query.GetProperty("values")[0].GetProperty("value").GetInt32());
        var change = Assert.Single(diff.EnumerateArray());
        Assert.Equal("value-changed", change.GetProperty("kind").GetString());
        Assert.Equal((20, 21), (change.GetProperty("old").GetInt32(), change.GetProperty("new").GetInt32()));
        var select = status.GetProperty("select");
        Assert.Equal((0, 2, 0, 0), (select.GetProperty("current").GetInt32(), select.GetProperty("default").GetInt32(),
            select.GetProperty("failed").GetInt32(), select.GetProperty("lastKnownGood").GetInt32()));
        Assert.Equal("stopped", status.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("STATUS_OBJECT_NAME_NOT_FOUND", "0xC0000034", 1, "There is no machine at", "status")]
    [InlineData("STATUS_INVALID_PARAMETER", "0xC000000D", 2, "Unrecognized command or argument 'stauts'", "stauts")]
    [InlineData("STATUS_INVALID_PARAMETER", "0xC000000D", 2, "contains a backslash", "service", "start", "a\\b")]
    public async Task AFailedCommand_WithJson_PrintsOneErrorDocument_AsWellAsItsSentence(string status, string code, int exitCode, string message, params string[] args)
    {
        var result = await Lkg.RunAsync([.. args, "--json", "--machine", Machine], null);

        Assert.Equal(exitCode, result.ExitCode);
        var error = JsonDocument.Parse(result.Output).RootElement.GetProperty("error");
        Assert.Equal((status, code, exitCode), (error.GetProperty("status").GetString(), error.GetProperty("code").GetString(), error.GetProperty("exitCode").GetInt32()));
        Assert.Contains(message, error.GetProperty("message").GetString());
        Assert.Equal(error.GetProperty("message").GetString(), result.Error.Trim());
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'stauts' (did you mean status?); run lkg --help for usage.", "stauts")]
    [InlineData("Unrecognized command or argument 'help' (did you mean --help?); run lkg --help for usage.", "help")]
    [InlineData("Unrecognized command or argument 'ls' (did you mean list?); run lkg controlset --help for usage.", "controlset", "ls")]
    [InlineData("Unrecognized command or argument '--jsn' (did you mean --json?); run lkg status --help for usage.", "status", "--jsn")]
    [InlineData("Unrecognized command or argument 'frobnicate'; run lkg --help for usage.", "frobnicate")]
    [InlineData("Required argument missing for option: '--machine'; required command was not provided; run lkg --help for usage.", "--machine")]
    [InlineData("<set> takes a whole number, not \"abc\"; run lkg controlset show --help for usage.", "controlset", "show", "abc")]
    [InlineData("Unrecognized command or argument 'y'; <b> takes a whole number, not \"x\"; run lkg controlset diff --help for usage.", "controlset", "diff", "1", "x", "y")]
    public async Task AParseError_IsEveryProblem_InOneSentence_WithTheNearestWord(string message, params string[] args)
    {
        var result = await Lkg.RunAsync(args, new Dictionary<string, string> { ["LKG_MACHINE"] = Machine });

        Assert.Equal((ExitCodes.Usage, "", message), (result.ExitCode, result.Output, result.Error));
    }

    [Fact]
    public async Task AFailedCommand_WithoutJson_PrintsNothingOnStandardOutput()
    {
        var result = await Lkg.RunAsync(["status", "--machine", Machine], null);

        Assert.Equal((1, ""), (result.ExitCode, result.Output));
        Assert.StartsWith("There is no machine at", result.Error);
    }

    [Fact]
    public async Task MachineOption_FallsBackToTheEnvironmentVariable()
    {
        await Ok("init", "--machine", Machine);

        var result = await Lkg.RunAsync(["status", "--json"], new Dictionary<string, string> { ["LKG_MACHINE"] = Machine });

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(Machine, JsonDocument.Parse(result.Output).RootElement.GetProperty("machine").GetString());
    }

    [Theory]
    [InlineData(ExitCodes.Usage, "is not a dword", "reg", "set", @"SYSTEM\CurrentControlSet\Services\A", "Start", "lots", "--type", "dword")]
    [InlineData(ExitCodes.Usage, "is not a value type", "reg", "set", @"SYSTEM\CurrentControlSet\Services\A", "Start", "1", "--type", "float")]
    [InlineData(ExitCodes.Usage, "is outside the hive", "reg", "query", @"SOFTWARE\Microsoft")]
    [InlineData(ExitCodes.Usage, "key name is empty", "reg", "query", @"SYSTEM\\ControlSet001")]
    [InlineData(ExitCodes.Usage, "control character U+0001", "reg", "set", "SYSTEM\\CurrentControlSet\\Services\\A\u0001", "X", "1")]
    [InlineData(ExitCodes.Usage, "run lkg reg --help", "reg", "frobnicate")]
    [InlineData(ExitCodes.Failed, "is immutable", "reg", "set", @"SYSTEM\ControlSet001\Services\A", "X", "1")]
    [InlineData(ExitCodes.Failed, "maintained by the boot manager", "reg", "set", @"SYSTEM\Select", "Default", "1", "--type", "dword")]
    [InlineData(ExitCodes.Failed, "does not exist", "reg", "query", @"SYSTEM\CurrentControlSet\Services\Nope")]
    [InlineData(ExitCodes.Failed, "ControlSet009 does not exist", "controlset", "show", "9")]
    [InlineData(ExitCodes.Failed, "Start: 9 is not allowed", "reg", "set", @"SYSTEM\CurrentControlSet\Services\A", "Start", "9", "--type", "dword")]
    [InlineData(ExitCodes.Failed, "cannot be read", "reg", "set", @"SYSTEM\CurrentControlSet\Services\A\Content", "C-1.sys", "/nonexistent/C-1.sys", "--type", "file")]
    [InlineData(ExitCodes.Failed, "A machine already exists", "init")]
    public async Task BadInput_GetsOneSentence_TheExitCode_AndChangesNothing(int exitCode, string message, params string[] args)
    {
        await Ok("init", "--machine", Machine);
        var before = File.ReadAllBytes(Path.Combine(Machine, "system.db"));

        var result = await Lkg.RunAsync([.. args, "--machine", Machine], null);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.DoesNotContain('\n', result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Machine, "system.db")));
    }

    [Fact]
    public async Task DependencyCycle_IsRefusedWhenWritten()
    {
        var sample = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "machines", "workstation.json");
        await Ok("init", "--from", sample, "--machine", Machine);

        // WebFrontend already depends on Hello.
        var result = await Lkg.RunAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Hello", "DependOnService", "Sensor\\0WebFrontend",
            "--type", "multi_sz", "--machine", Machine);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("cycle (Hello -> WebFrontend -> Hello)", result.Error);
    }

    [Fact]
    public async Task MissingMachine_SaysHowToCreateOne()
    {
        var result = await Lkg.RunAsync("status", "--machine", _temp.Combine("nowhere"));

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Contains("There is no machine at", result.Error);
        Assert.Contains("lkg init", result.Error);
        Assert.False(Directory.Exists(_temp.Combine("nowhere")));
    }

    [Fact]
    public async Task InitFromInvalidManifest_WritesNothing()
    {
        var manifest = _temp.Combine("bad.json");
        File.WriteAllText(manifest, "{\n  \"Services\": { \"A\": { \"Type\": 1, \"Start\": 0 } }\n}");

        var result = await Lkg.RunAsync("init", "--from", manifest, "--machine", Machine);

        Assert.Equal(ExitCodes.Failed, result.ExitCode);
        Assert.Equal(@"bad.json:2: Services\A: has no ImagePath; every service needs Type, Start, ImagePath.", result.Error);
        Assert.False(Directory.Exists(Machine));
    }

    private static async Task<JsonElement> Ok(params string[] args)
    {
        var result = await Lkg.RunAsync(args);
        Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', args)} failed: {result.Error}");
        return args.Contains("--json") ? JsonDocument.Parse(result.Output).RootElement.Clone() : default;
    }
}
