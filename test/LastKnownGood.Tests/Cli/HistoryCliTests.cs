using System.Globalization;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Cli;
using LastKnownGood.Cli.Commands;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// <c>lkg history</c> and <c>lkg status</c> on a machine with a long history (written in process
/// through BootLog), through the real command line: the newest 50 by default, <c>--all</c>,
/// <c>--since</c> a boot or a time, the same boots and the same fallback report as the whole
/// history read in process; damaged rows reported where they are read, and only there.
/// </summary>
public sealed class HistoryCliTests
{
    private const int Boots = 1000;

    [Fact]
    public async Task History_OfALongHistory_ShowsTheNewest50_EveryBootWithAll_AndThoseSinceABootOrATime()
    {
        using var machine = await CreateMachineAsync(Boots);
        var whole = machine.History();

        AssertBoots(whole.Where(b => b.Number > Boots - HistoryCommand.DefaultCount), await machine.LkgAsync("history", "--json"));
        AssertBoots(whole, await machine.LkgAsync("history", "--all", "--json"));
        AssertBoots(whole.Where(b => b.Number >= 990), await machine.LkgAsync("history", "--since", "990", "--json"));
        var time = BootHistory.StartOf(970);
        AssertBoots(whole.Where(b => b.Started >= time), await machine.LkgAsync("history", "--since", time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), "--json"));
        AssertBoots(whole.Where(b => b.Started >= time), await machine.LkgAsync("history", "--since", time.ToOffset(TimeSpan.FromHours(2)).ToString("O", CultureInfo.InvariantCulture), "--json"));
        AssertBoots([], await machine.LkgAsync("history", "--since", $"{Boots + 1}", "--json"));

        var lines = (await machine.LkgAsync("history")).Output.Split('\n');
        Assert.Equal(1 + HistoryCommand.DefaultCount + 1, lines.Length);
        Assert.StartsWith("Boot  Started", lines[0]);
        Assert.StartsWith($" {Boots - HistoryCommand.DefaultCount + 1}  {BootHistory.StartOf(Boots - HistoryCommand.DefaultCount + 1):yyyy-MM-dd HH:mm:ss}Z  ControlSet", lines[1]);
        Assert.StartsWith($"{Boots}  ", lines[^2]);
        Assert.Equal($"The newest 50 of {Boots} boots: --all shows every one, --since BOOT or --since TIME those from there on.", lines[^1]);
    }

    [Fact]
    public async Task Status_OfALongHistory_ReportsTheNewestBootFallbackAndCrash_AsTheWholeHistory()
    {
        using var machine = await CreateMachineAsync(Boots);
        var whole = machine.History();
        var fallback = whole.Last(b => b.Mode != BootMode.Normal);
        var failed = ClassicRecovery.FailedBootsSince(whole.Where(b => b.Number < fallback.Number).Reverse()).Reverse().Select(b => b.Number).ToList();
        Assert.NotEmpty(failed);

        var status = JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement;

        Assert.Equal(("stopped", Boots), (status.GetProperty("state").GetString(), status.GetProperty("boot").GetProperty("number").GetInt32()));
        var recovery = status.GetProperty("lastRecovery");
        Assert.Equal((fallback.Number, fallback.Reason), (recovery.GetProperty("boot").GetInt32(), recovery.GetProperty("reason").GetString()));
        Assert.Equal(failed, recovery.GetProperty("failedBoots").EnumerateArray().Select(b => b.GetProperty("number").GetInt32()));
        Assert.Equal(machine.Crashes()[^1].Id, status.GetProperty("lastCrash").GetProperty("id").GetInt64());
        Assert.Empty(status.GetProperty("damagedRows").EnumerateArray());

        // One shape for a bug check: the recovery report's failed boots carry the object history gives the same boot.
        var history = JsonDocument.Parse((await machine.LkgAsync("history", "--since", $"{failed[0]}", "--json")).Output).RootElement.EnumerateArray()
            .ToDictionary(b => b.GetProperty("number").GetInt32(), b => b.GetProperty("bugCheck"));
        var reported = recovery.GetProperty("failedBoots").EnumerateArray().Where(b => b.GetProperty("bugCheck").ValueKind != JsonValueKind.Null).ToList();
        Assert.NotEmpty(reported);
        foreach (var boot in reported)
        {
            Assert.Equal(BugCheck(history[boot.GetProperty("number").GetInt32()]), BugCheck(boot.GetProperty("bugCheck")));
        }

        static (string?, string?, string?, long) BugCheck(JsonElement e) => (e.GetProperty("code").GetString(), e.GetProperty("name").GetString(),
            e.GetProperty("component").GetString(), e.GetProperty("crash").GetInt64());
    }

    [Fact]
    public async Task HistoryAndStatus_ReportTheDamagedRowsTheyRead_AndNotTheOthers()
    {
        using var machine = await CreateMachineAsync(200);
        foreach (var boot in (int[])[5, 180, 200])
        {
            Damage.FlipText(machine.Directory.HivePath, "boots", "reason", boot, 0);
        }

        var history = await machine.LkgAsync("history");
        var all = await machine.LkgAsync("history", "--all");
        var json = await machine.LkgAsync("history", "--json");
        var status = JsonDocument.Parse((await machine.LkgAsync("status", "--json")).Output).RootElement;

        Assert.Equal((true, true, false), (history.Output.Contains("boots row 180 is damaged"), history.Output.Contains("boots row 200 is damaged"), history.Output.Contains("boots row 5 is damaged")));
        Assert.Contains("boots row 5 is damaged", all.Output);
        Assert.Equal(HistoryCommand.DefaultCount - 2, JsonDocument.Parse(json.Output).RootElement.GetArrayLength());
        Assert.Equal(["warning: boots row 180 is damaged (it does not match its checksum) and is left out.", "warning: boots row 200 is damaged (it does not match its checksum) and is left out."],
            json.Error.Split('\n'));
        // status reads the newest boots down to one that verifies, and the fallback report: not boot 5.
        Assert.Equal(199, status.GetProperty("boot").GetProperty("number").GetInt32());
        Assert.Contains(200, status.GetProperty("damagedRows").EnumerateArray().Select(d => d.GetProperty("id").GetInt32()));
        Assert.DoesNotContain(5, status.GetProperty("damagedRows").EnumerateArray().Select(d => d.GetProperty("id").GetInt32()));
    }

    [Theory]
    [InlineData("--since", "banana")]
    [InlineData("--since", "0")]
    [InlineData("--since", "2026-13-01")]
    [InlineData("--all", "--since", "5")]
    public async Task History_WithABadAllOrSince_IsAUsageError_InOneSentence_BeforeItOpensTheMachine(params string[] args)
    {
        using var temp = new TempDirectory();

        var result = await Lkg.RunAsync(["history", .. args, "--machine", temp.Combine("nowhere")], null);

        Assert.Equal((ExitCodes.Usage, 1, ""), (result.ExitCode, result.Error.Split('\n').Length, result.Output));
        Assert.EndsWith(".", result.Error);
        Assert.Contains("--since", result.Error);
    }

    /// <summary>A machine with <paramref name="boots"/> boots of <see cref="BootHistory"/>'s seeded mix.</summary>
    private static async Task<TestMachine> CreateMachineAsync(int boots)
    {
        var machine = await TestMachine.CreateAsync();
        using var hive = machine.Directory.OpenHive(TimeProvider.System);
        BootHistory.Write(hive, boots, seed: 20261205);
        return machine;
    }

    private static void AssertBoots(IEnumerable<BootRecord> expected, Lkg.Result result)
    {
        var shown = JsonDocument.Parse(result.Output).RootElement.EnumerateArray().Select(b => (
            b.GetProperty("number").GetInt32(),
            b.GetProperty("mode").GetString()!,
            b.GetProperty("outcome").GetString()!,
            b.GetProperty("bugCheck").ValueKind == JsonValueKind.Null ? (long?)null : b.GetProperty("bugCheck").GetProperty("crash").GetInt64()));
        Assert.Equal(expected.Select(b => (b.Number, BootNames.Name(b.Mode), BootNames.Name(b.Outcome), b.CrashId)), shown);
    }
}
