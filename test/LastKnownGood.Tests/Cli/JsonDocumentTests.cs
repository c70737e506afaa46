using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastKnownGood.Cli;
using LastKnownGood.Internal;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// Every JSON document is the same from lkg compiled ahead of time (NativeAOT) as from the JIT
/// lkg, byte for byte (issue 11): each command runs through both on the same machine, a write on
/// the same snapshot of it. <c>{root}</c> in a command stands for the directory that holds the
/// machine, <c>{lkg}</c> for its Last Known Good control set.
/// </summary>
[Collection(nameof(JsonDocumentTests))]
public sealed class JsonDocumentTests(JsonDocumentFixture fixture) : IClassFixture<JsonDocumentFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>A time as the documents write one; two boots never start at the same time.</summary>
    private static readonly Regex Time = new(@"""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00""");

    /// <summary>How long a write took (a content push's pre-flight), which no two runs share.</summary>
    private static readonly Regex Seconds = new(@"""seconds"": \d+(\.\d+)?");

    public static TheoryData<string[]> Reads => new()
    {
        { ["status"] },
        { ["history"] },
        { ["logs"] },
        { ["logs", "-b", "all", "-u", "kernel"] },
        { ["controlset", "list"] },
        { ["controlset", "show", "{lkg}"] },
        { ["controlset", "diff", "1", "{lkg}"] },
        { ["reg", "query", "SYSTEM"] },
        { ["reg", "query", @"SYSTEM\Select"] },
        { ["reg", "query", @"SYSTEM\CurrentControlSet\Services\Hello\Parameters"] },
        { ["reg", "query", @"SYSTEM\CurrentControlSet\Services\Sensor\Content"] },
        { ["reg", "query", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter"] },
        { ["content", "list", "Sensor"] },
        { ["service", "list"] },
        { ["verifier", "query"] },
        { ["crashes"] },
        { ["crashes", "show", "1"] },
        { ["analyze"] },
    };

    public static TheoryData<string[]> Writes => new()
    {
        { ["init", "--machine", "{root}/fresh"] },
        { ["keys", "create", "other"] },
        { ["keys", "create", "other", "--trust"] },
        { ["keys", "trust", "test"] },
        { ["sign", "{root}/packages/Hello", "--key", "test"] },
        { ["driver", "install", "{root}/packages/Hello", "--start", "demand"] },
        { ["reg", "set", @"SYSTEM\CurrentControlSet\Services\Hello\Parameters", "Greeting", "Hi"] },
        { ["reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword"] },
        { ["reg", "delete", @"SYSTEM\CurrentControlSet\Services\Hello\Parameters", "Blob"] },
        { ["service", "create", "Echo", "--command", "/bin/echo 'hello there'", "--notify", "--track", "{root}/note.txt", "--health", "tcp:127.0.0.1:1"] },
        { ["content", "push", "Sensor", "{root}/C-00000291-00000000-00000002.sys"] },
        { ["content", "delete", "Sensor", "C-*"] },
        { ["verifier", "enable", "NotMyFault"] },
        { ["verifier", "disable", "Hello"] },
        { ["last-known-good", "disable"] },
        { ["last-known-good", "enable"] },
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task Read_AotAndJit_WriteTheSameDocument(string[] command)
    {
        var jit = await JitAsync(command);
        var aot = await AotAsync(command);

        AssertSameDocument(jit, aot);
    }

    public static TheoryData<string[]> Failures => new()
    {
        { ["status", "--machine", "{root}/nowhere"] },
        { ["stauts"] },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Failure_AotAndJit_WriteTheSameErrorDocument(string[] command)
    {
        var jit = await JitAsync(command);
        var aot = await AotAsync(command);

        Assert.NotEqual(0, jit.ExitCode);
        Assert.Equal(jit.ExitCode, JsonDocument.Parse(jit.Output).RootElement.GetProperty("error").GetProperty("exitCode").GetInt32());
        Assert.Equal((jit.ExitCode, jit.Error, jit.Output), (aot.ExitCode, aot.Error, aot.Output));
    }

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Write_AotAndJit_WriteTheSameDocument(string[] command)
    {
        fixture.Restore();
        var jit = await JitAsync(command);
        fixture.Restore();
        var aot = await AotAsync(command);

        AssertSameDocument(jit with { Output = Seconds.Replace(jit.Output, "\"seconds\": 0") }, aot with { Output = Seconds.Replace(aot.Output, "\"seconds\": 0") });
    }

    /// <summary>
    /// What each table command prints into a pipe, and how many lines its JSON document says that is:
    /// a line per row (and the header), so that no cell was wrapped onto a line of its own.
    /// </summary>
    public static TheoryData<string[]> Tables => new()
    {
        { ["controlset", "list"] },
        { ["controlset", "diff", "1", "{lkg}"] },
        { ["crashes"] },
        { ["content", "list", "Sensor"] },
        { ["service", "list"] },
        { ["quarantine", "list"] },
        { ["remediation", "list"] },
        { ["reg", "query", @"SYSTEM\CurrentControlSet\Services\Hello\Parameters"] },
        { ["verifier", "query"] },
        { ["status"] },
        { ["history"] },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Table_InAPipe_IsPlainColumns_WithALinePerRow_AndNoEscapeCode(string[] command)
    {
        var json = JsonDocument.Parse((await AotAsync(command)).Output).RootElement;
        var piped = await Lkg.RunPublishedAsync(fixture.AotLkg, Arguments(command)[..^1], fixture.Machine.Environment);

        Assert.Equal(0, piped.ExitCode);
        var lines = piped.Output.TrimEnd('\n').Split('\n');
        Assert.DoesNotContain('\u001b', piped.Output);
        Assert.DoesNotContain(piped.Output, c => c is >= '\u2500' and <= '\u259f');
        Assert.All(lines, line => Assert.Equal(line.TrimEnd(), line));
        int? expected = command switch
        {
            ["reg", ..] => 1 + (json.GetProperty("values").GetArrayLength() is var values and > 0 ? values + 1 : 0) + json.GetProperty("subkeys").GetArrayLength(),
            ["verifier", ..] => json.GetProperty("drivers").GetArrayLength() is var drivers and > 0 ? drivers + 2 : 1,
            ["status" or "history"] => null,
            _ => json.GetArrayLength() + 1,
        };
        if (expected is { } count)
        {
            Assert.True(lines.Length == count, $"{count} lines expected, {lines.Length} printed:\n{piped.Output}");
        }
        else if (command[0] == "status")
        {
            // Each component of the newest boot is one line: its name, type and state together.
            Assert.NotEmpty(json.GetProperty("components").EnumerateArray());
            Assert.All(json.GetProperty("components").EnumerateArray(), c => Assert.Single(lines, l => Regex.IsMatch(l,
                $@"^{Regex.Escape(c.GetProperty("name").GetString()!)} +{c.GetProperty("type").GetString()} +{c.GetProperty("state").GetString()} ")));
        }
        else
        {
            // Each boot is one line: its number, then when it started, with the date and the zone.
            Assert.All(json.EnumerateArray(), b => Assert.Single(lines, l => Regex.IsMatch(l,
                $@"^ *{b.GetProperty("number").GetInt32()}  {b.GetProperty("started").GetDateTimeOffset():yyyy-MM-dd HH:mm:ss}Z  ")));
        }
    }

    /// <summary>A pre-flight takes seconds: on a terminal (a pseudo-terminal from script(1)) a spinner says what is waited for; in a pipe nothing does.</summary>
    [Fact]
    public async Task ALongWait_OnATerminal_SaysWhatItWaitsFor_AndInAPipeNothing()
    {
        string[] push = Arguments(["content", "push", "Sensor", "{root}/C-00000291-00000000-00000002.sys"])[..^1];
        fixture.Restore();
        var piped = await Lkg.RunPublishedAsync(fixture.AotLkg, push, fixture.Machine.Environment);
        fixture.Restore();
        var terminal = await Lkg.RunPublishedAsync("script", ["-qec", CommandWords.Join([fixture.AotLkg, .. push]), "/dev/null"], fixture.Machine.Environment);

        Assert.Equal((0, 0), (piped.ExitCode, terminal.ExitCode));
        Assert.Contains("Pushing C-00000291-00000000-00000002.sys to Sensor...", terminal.Output);
        Assert.Contains("Pre-flight passed", terminal.Output);
        Assert.DoesNotContain("Pushing", piped.Output);
        Assert.Contains("Pre-flight passed", piped.Output);
    }

    /// <summary>boot-ok, crash and boot-bad, each build's against a boot manager of its own on the same snapshot.</summary>
    [Fact]
    public async Task RunningBootCommands_AotAndJit_WriteTheSameDocuments()
    {
        var jit = await RunningBootAsync(JitAsync);
        var aot = await RunningBootAsync(AotAsync);

        Assert.All(jit.Zip(aot), pair => AssertSameDocument(pair.First, pair.Second));
    }

    /// <summary>
    /// lkg boot through each build, on a machine without drivers (the NativeAOT lkg is its own
    /// kernel until the kernel has an executable of its own, and cannot load drivers). Two runs
    /// boot at different times, so the times are compared by their form only.
    /// </summary>
    [Fact]
    public async Task Boot_AotAndJit_WriteTheSameDocument_ButForTheTimes()
    {
        var jit = await BootEmptyMachineAsync(JitAsync);
        var aot = await BootEmptyMachineAsync(AotAsync);

        Assert.Equal(4, Time.Count(jit.Output));
        AssertSameDocument(jit with { Output = Time.Replace(jit.Output, "\"TIME\"") }, aot with { Output = Time.Replace(aot.Output, "\"TIME\"") });
    }

    /// <summary>
    /// The native boot manager dumps a bug checked kernel: a NativeAOT program has no runtime
    /// directory, so the createdump it runs is the one of the runtime the kernel runs on. (Its
    /// first native build looked in its own directory and wrote no dump at all.)
    /// </summary>
    [Fact]
    public async Task BugCheck_UnderTheNativeBootManager_IsDumped()
    {
        fixture.Restore();
        var root = Path.Combine(fixture.Root, "dumped");
        string[] machine = ["--machine", root];
        await fixture.Machine.LkgAsync(["init", .. machine]);
        await fixture.Machine.LkgAsync(["reg", "set", @"SYSTEM\CurrentControlSet\Control\CrashControl", "DumpType", "mini", .. machine]);
        using (var boot = ChildProcess.StartExecutable(fixture.AotLkg, ["boot", "--timeout", "120s", .. machine], fixture.Machine.Environment))
        {
            await boot.WaitForLineAsync(line => line.StartsWith("Boot 1: every component has started", StringComparison.Ordinal), Timeout);
            await fixture.Machine.LkgAsync(["crash", .. machine]);
            await boot.WaitForLineAsync(line => line.StartsWith("Boot 2: every component has started", StringComparison.Ordinal), Timeout);
            // A stop (SIGTERM) waits for the dumps still being written, and records them.
            Assert.Equal(0, Libc.Kill(boot.Id, Libc.SignalTerm));
            Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        }

        using var crashes = JsonDocument.Parse((await fixture.Machine.LkgAsync(["crashes", "--json", .. machine])).Output);
        var dump = Assert.Single(crashes.RootElement.EnumerateArray()).GetProperty("dump").GetString();
        Assert.NotNull(dump);
        Assert.True(new FileInfo(Path.Combine(root, "dumps", dump)).Length > 0, $"{dump} is empty");
    }

    /// <summary>
    /// A stack overflow leaves a record without frames, so its blame comes from the dump, which
    /// only a runtime can read: the native lkg has lkg-host read it. (Its first native build read
    /// it in its own process, failed, and blamed MachineOwner.)
    /// </summary>
    [Fact]
    public async Task StackOverflow_UnderTheNativeLkg_IsBlamedOnTheDriver_FromItsDump()
    {
        var demo = await Lkg.RunPublishedAsync(fixture.AotLkg, ["demo", "notmyfault", "--fault", "stack-overflow", "--json"], fixture.Machine.Environment);

        Assert.True(demo.ExitCode == 0, demo.Error);
        using var rows = JsonDocument.Parse(demo.Output);
        var row = Assert.Single(rows.RootElement.EnumerateArray());
        Assert.Equal(("NotMyFault", "0x1E_NotMyFault!NotMyFaultDriver.Recurse"), (row.GetProperty("blamed").GetString(), row.GetProperty("bucket").GetString()));
    }

    private async Task<Lkg.Result[]> RunningBootAsync(Func<string[], Task<Lkg.Result>> lkg)
    {
        fixture.Restore();
        // The boot manager is the JIT lkg for both: the documents compared are the commands'.
        using var boot = fixture.Machine.StartBoot("--until", "3-boots", "--timeout", "120s");
        await boot.WaitForLineAsync(IsAccepted, Timeout);
        var ok = await lkg(["boot-ok"]);
        var crash = await lkg(["crash"]);
        await boot.WaitForLineAsync(IsAccepted, Timeout);
        var bad = await lkg(["boot-bad"]);
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        return [ok, crash, bad];

        static bool IsAccepted(string line) => line.StartsWith("Boot ", StringComparison.Ordinal) && line.Contains(" accepted: ", StringComparison.Ordinal);
    }

    private async Task<Lkg.Result> BootEmptyMachineAsync(Func<string[], Task<Lkg.Result>> lkg)
    {
        fixture.Restore();
        string[] machine = ["--machine", Path.Combine(fixture.Root, "fresh")];
        await fixture.Machine.LkgAsync(["init", .. machine]);
        await fixture.Machine.LkgAsync(["reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword", .. machine]);
        return await lkg(["boot", "--until", "accepted", "--timeout", "120s", .. machine]);
    }

    private Task<Lkg.Result> JitAsync(string[] command) => Lkg.RunAsync(Arguments(command), fixture.Machine.Environment);

    private Task<Lkg.Result> AotAsync(string[] command) => Lkg.RunPublishedAsync(fixture.AotLkg, Arguments(command), fixture.Machine.Environment);

    private string[] Arguments(string[] command) =>
        [.. command.Select(a => a.Replace("{root}", fixture.Root, StringComparison.Ordinal).Replace("{lkg}", fixture.LastKnownGood.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)), "--json"];

    private static void AssertSameDocument(Lkg.Result jit, Lkg.Result aot)
    {
        Assert.True(jit.ExitCode == 0, $"The JIT lkg failed ({jit.ExitCode}): {jit.Error}");
        using (JsonDocument.Parse(jit.Output))
        {
            // It is one JSON document.
        }

        Assert.Equal((jit.ExitCode, jit.Error), (aot.ExitCode, aot.Error));
        Assert.Equal(jit.Output, aot.Output);
    }
}
