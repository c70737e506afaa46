using System.Reflection;
using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;
using LastKnownGood.Verifier;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg crashes</c>, <c>lkg crashes show</c> and <c>lkg analyze</c> as child processes, on a machine whose crash log holds records stored through the crash log.</summary>
public sealed class CrashCliTests : IDisposable
{
    private const string HelloDigest = "4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e";

    private static readonly CrashFrame PoolFree = new("LastKnownGood", null, "LastKnownGood.Kernel.Pool.KernelPool", "Free", 0x06000200, 0x40, null);
    private static readonly CrashFrame HelloRefresh = new("Hello", "Hello", "Hello.HelloDriver", "Refresh", 0x06000004, 0x12, "/nowhere/Hello.dll", "HelloDriver.cs", 42);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private MachineDirectory Machine => new(_temp.Combine("machine"));

    [Fact]
    public async Task CrashesJson_HasFramesEventsPoolAndDump_InTheCrashShape()
    {
        await InitAsync();
        Append(PoolCrash());

        var crashes = JsonDocument.Parse((await OkAsync("crashes", "--json")).Output).RootElement;

        var crash = Assert.Single(crashes.EnumerateArray());
        Assert.Equal(("0x00000019", "BAD_POOL_HEADER", "0xD"), (crash.GetProperty("code").GetString(), crash.GetProperty("name").GetString(), crash.GetProperty("parameters")[0].GetString()));
        var frame = crash.GetProperty("frames")[1];
        Assert.Equal(("Hello", "Refresh", 42), (frame.GetProperty("owner").GetString(), frame.GetProperty("method").GetString(), frame.GetProperty("line").GetInt32()));
        Assert.Equal("NotMyFault: wrote 96 bytes into a 64-byte buffer", crash.GetProperty("lastEvents")[0].GetString());
        Assert.Equal(("NMFt", "NotMyFault"), (crash.GetProperty("pool").GetProperty("precedingTag").GetString(), crash.GetProperty("pool").GetProperty("precedingOwner").GetString()));
        Assert.Equal("crash-1.dmp", crash.GetProperty("dump").GetString());
    }

    [Fact]
    public async Task CrashesShow_Json_IsTheSameDocumentAsInTheList()
    {
        await InitAsync();
        Append(PoolCrash());
        Append(PoolCrash() with { Code = BugCheckCode.DriverCorruptedExpool });

        var list = (await OkAsync("crashes", "--json")).Output;
        var show = (await OkAsync("crashes", "show", "2", "--json")).Output;

        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(list).RootElement[1], JsonDocument.Parse(show).RootElement), show);
        Assert.Equal(2, JsonDocument.Parse(show).RootElement.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task CrashesShow_Human_ListsTheFramesAndPointsAtAnalyze()
    {
        await InitAsync();
        Append(PoolCrash());

        var output = (await OkAsync("crashes", "show", "1")).Output;

        Assert.Contains("Crash 1: BAD_POOL_HEADER (0x00000019)", output);
        Assert.Contains("  01 Hello!Hello.HelloDriver.Refresh+0x12 [HelloDriver.cs @ 42]  (Hello)", output);
        Assert.Contains("the block before it 0x1000 tag 'NMFt' owner NotMyFault", output);
        Assert.Contains("Dump:       dumps/crash-1.dmp", output);
        Assert.EndsWith("lkg analyze 1 explains it.", output);
    }

    [Theory]
    [InlineData("crashes", "show", "7")]
    [InlineData("analyze", "7")]
    [InlineData("analyze", "7", "--json")]
    public async Task MissingCrash_IsOneSentence_ExitCode1_AndChangesNothing(params string[] args)
    {
        await InitAsync();
        Append(PoolCrash());
        var before = File.ReadAllBytes(Machine.HivePath);

        var result = await Lkg.RunAsync([.. args, "--machine", Machine.Root], null);

        Assert.Equal((ExitCodes.Failed, "Crash 7 does not exist; lkg crashes lists them."), (result.ExitCode, result.Error));
        Assert.Equal(before, File.ReadAllBytes(Machine.HivePath));
    }

    [Fact]
    public async Task Analyze_WithNoCrashes_IsOneSentence_ExitCode1()
    {
        await InitAsync();

        var result = await Lkg.RunAsync("analyze", "--machine", Machine.Root);

        Assert.Equal((ExitCodes.Failed, "The machine has no crash records, so there is nothing to analyze."), (result.ExitCode, result.Error));
    }

    [Fact]
    public async Task Analyze_WithoutAnId_AnalyzesTheNewestCrash()
    {
        await InitAsync();
        Append(PoolCrash());
        Append(PoolCrash() with { Code = BugCheckCode.DriverCorruptedExpool });

        var analysis = JsonSerializer.Deserialize((await OkAsync("analyze", "--json")).Output, CliJson.Default.CrashAnalysis)!;

        Assert.Equal((2, BugCheckCode.DriverCorruptedExpool), (analysis.Crash, analysis.Code));
    }

    [Fact]
    public async Task AnalyzeJson_RoundTripsEveryField_ToTheAnalyzersOwnObject()
    {
        await InitAsync();
        PrepareHelloWithChangesAndVerifier();
        var id = Append(PoolCrash());

        var output = (await OkAsync("analyze", $"{id}", "--json")).Output;

        var fromJson = JsonSerializer.Deserialize(output, CliJson.Default.CrashAnalysis)!;
        var built = AnalyzeInProcess(id);
        Assert.Equal(built, fromJson);
        var document = JsonDocument.Parse(output).RootElement;
        Assert.All(typeof(CrashAnalysis).GetProperties(BindingFlags.Public | BindingFlags.Instance),
            p => Assert.True(document.TryGetProperty(JsonNamingPolicy.CamelCase.ConvertName(p.Name), out _), $"analyze --json has no {p.Name}"));
        // The fields this machine gives a value, so that the comparison above compares something.
        Assert.Equal(("Hello.dll", "1.0.0", Confidence.Uncertain, VerifierFlags.PoolTracking), (fromJson.ImageName, fromJson.ImageVersion, fromJson.Confidence, fromJson.Verifier));
        Assert.Equal("NotMyFault", Assert.Single(fromJson.Suspects).Driver);
        Assert.Equal("value-changed", Assert.Single(fromJson.Changes).Kind);
        Assert.Equal("0x19_Hello!HelloDriver.Refresh_VRF", fromJson.FailureBucketId);
        Assert.Equal("uncertain", document.GetProperty("confidence").GetString());
        Assert.Equal("0x00000019", document.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Analyze_Human_PrintsTheAnalyzeFields()
    {
        await InitAsync();
        PrepareHelloWithChangesAndVerifier();
        Append(PoolCrash());

        var output = (await OkAsync("analyze", "1")).Output;

        Assert.Contains("BAD_POOL_HEADER (19)", output);
        Assert.Contains("Arg1: 000000000000000d, 0xD: a free block's header was modified after it was freed", output);
        Assert.Contains("PROCESS_NAME:       kernel", output);
        Assert.Contains("> 01 Hello!Hello.HelloDriver.Refresh+0x12 [HelloDriver.cs @ 42]  (Hello)", output);
        Assert.Contains("SYMBOL_NAME:        Hello!HelloDriver.Refresh", output);
        Assert.Contains("IMAGE_NAME:         Hello.dll", output);
        Assert.Contains("FAILURE_BUCKET_ID:  0x19_Hello!HelloDriver.Refresh_VRF", output);
        Assert.Contains("FOLLOWUP_NAME:      Hello", output);
        Assert.Contains("CONFIDENCE:         uncertain", output);
        Assert.Contains("SUSPECT:            NotMyFault: it owns the block before the damaged one (0x1000, tag 'NMFt')", output);
        Assert.Contains("VERIFIER:           Hello: PoolTracking", output);
        Assert.Contains(@"value-changed Services\Hello\Parameters Interval: 0x00000064 (100) -> 0x00000001 (1)", output);
    }

    private async Task InitAsync() => await OkAsync("init");

    private async Task<Lkg.Result> OkAsync(params string[] args)
    {
        var result = await Lkg.RunAsync([.. args, "--machine", Machine.Root], null);
        Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', args)} failed: {result.Error}");
        return result;
    }

    private static CrashRecord PoolCrash() =>
        new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), BugCheckCode.BadPoolHeader, [0xD, 0x1040, 0x41414141, 0], 2, 1, "Hello",
            "LastKnownGood.Kernel.BugCheckException", "BAD_POOL_HEADER: a free block's header was modified.", "   at Hello.HelloDriver.Refresh()",
            ["NotMyFault: wrote 96 bytes into a 64-byte buffer"])
        {
            Frames = [PoolFree, HelloRefresh],
            Pool = new PoolEvidence(0x1040, "Hell", "Hello", 0x1000, "NMFt", "NotMyFault"),
            Dump = "crash-1.dmp",
        };

    /// <summary>ControlSet001 is Last Known Good; ControlSet002 changes Hello's Interval and puts Hello under pool tracking; Hello is an installed package.</summary>
    private void PrepareHelloWithChangesAndVerifier()
    {
        DriverPackages.Create(Path.Combine(Machine.DriversPath, HelloDigest), "Hello", "1.0.0");
        using var hive = Machine.OpenHive(TimeProvider.System);
        hive.Write("test", "Hello", e =>
        {
            e.SetValue(KeyPath.Parse(@"Services\Hello"), "ImagePath", RegistryValue.String(HelloDigest));
            e.SetValue(KeyPath.Parse(@"Services\Hello\Parameters"), "Interval", RegistryValue.Dword(100));
        });
        hive.UpdateSelect(s => s with { LastKnownGood = s.Default });
        hive.Write("test", "faster Hello, verified", e =>
        {
            e.SetValue(KeyPath.Parse(@"Services\Hello\Parameters"), "Interval", RegistryValue.Dword(1));
            e.SetValue(VerifierSettings.KeyPath.Child("Hello"), "PoolTracking", RegistryValue.Dword(1));
        });
    }

    private long Append(CrashRecord crash)
    {
        using var hive = Machine.OpenHive(TimeProvider.System);
        return CrashLog.Append(Machine.HivePath, crash with { ControlSet = hive.ReadSelect().Default });
    }

    private CrashAnalysis AnalyzeInProcess(long id)
    {
        using var hive = Machine.OpenHive(TimeProvider.System);
        return new Analyzer(hive, Machine, Lkg.Dumps).Analyze(CrashLog.Get(hive, id)!);
    }
}
