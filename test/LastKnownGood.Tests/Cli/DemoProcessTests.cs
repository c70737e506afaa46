using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// <c>lkg demo notmyfault</c> and <c>lkg demo crowdstrike</c>, run as users run them: real machines, real boots, real analyses,
/// checked against DESIGN §13. The demo's temporary directory and key directory are the test's,
/// so the test sees that the demo deletes its machines and never writes a key of the user's.
/// </summary>
public sealed class DemoProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string DemoTemp => _temp.Combine("tmp");

    private string UserKeys => _temp.Combine("keys");

    private Dictionary<string, string> Environment => new() { ["TMPDIR"] = DemoTemp, ["LKG_KEYS"] = UserKeys };

    [Fact]
    public async Task NotMyFault_EachFault_IsTheBugCheckAndBlameOfDesign13_OnMachinesItDeletes()
    {
        var rows = await DemoAsync("demo", "notmyfault", "--json");

        Assert.Equal(["overflow", "double-free", "bad-read", "hang", "deadlock", "leak", "stack-overflow", "critical-process"], rows.Select(r => r.Fault));
        Assert.All(rows, r => Assert.False(r.Verifier));
        var overflow = Row(rows, "overflow");
        Assert.Contains(overflow.BugCheck?.Code, new[] { "0x00000019", "0x000000C5" });
        Assert.Equal(("Hello", Confidence.Uncertain), (overflow.Blamed, overflow.Confidence));
        Assert.Contains(overflow.Suspects, s => s.Driver == "NotMyFault");
        AssertBlamesNotMyFault(Row(rows, "double-free"), "0x000000C2", "BAD_POOL_CALLER");
        AssertBlamesNotMyFault(Row(rows, "bad-read"), "0x00000050", "PAGE_FAULT_IN_NONPAGED_AREA");
        AssertBlamesNotMyFault(Row(rows, "hang"), "0x000000EA", "THREAD_STUCK_IN_DEVICE_DRIVER");
        AssertBlamesNotMyFault(Row(rows, "deadlock"), "0x000000EA", "THREAD_STUCK_IN_DEVICE_DRIVER");
        // The kernel's watchdog is 10 s: the hang is not caught sooner.
        Assert.InRange(Row(rows, "hang").Seconds, 10, NotMyFaultSeconds);
        var leak = Row(rows, "leak");
        Assert.Equal((null, "no bug check (clean shutdown)"), (leak.BugCheck, leak.Note));
        var stackOverflow = AssertBlamesNotMyFault(Row(rows, "stack-overflow"), "0x0000001E", "KMODE_EXCEPTION_NOT_HANDLED");
        // The runtime ends the kernel without a stack: the frame comes from the minidump.
        Assert.Equal("0x1E_NotMyFault!NotMyFaultDriver.Recurse", stackOverflow.Bucket);
        var critical = Row(rows, "critical-process");
        Assert.Equal((null, 0.0), (critical.BugCheck, critical.Seconds));
        Assert.Equal("Not run: the demo does not yet start a Critical service to kill; a Critical service's death is bug check 0xEF (docs/services.md).", critical.Note);
    }

    [Fact]
    public async Task NotMyFaultOverflow_WithTheVerifier_IsACertain0xD6InNotMyFault_BesideTheUncertainRunWithout()
    {
        var rows = await DemoAsync("demo", "notmyfault", "--verifier", "--fault", "overflow", "--json");

        Assert.Equal([("overflow", false), ("overflow", true)], rows.Select(r => (r.Fault, r.Verifier)));
        Assert.Equal(("Hello", Confidence.Uncertain), (rows[0].Blamed, rows[0].Confidence));
        Assert.Equal(("0x000000D6", "NotMyFault", Confidence.Certain), (rows[1].BugCheck?.Code, rows[1].Blamed, rows[1].Confidence));
        Assert.Equal("0xD6_NotMyFault!NotMyFaultDriver.Overflow_VRF", rows[1].Bucket);
        Assert.Empty(rows[1].Suspects);
    }

    [Fact]
    public async Task CrowdStrike_All_ClassicNeedsAPerson_ImprovedLosesOneBoot_IsolatedNeverGoesDown_PreflightNeverBootsTheFile()
    {
        var runs = JsonSerializer.Deserialize(await RunDemoAsync("demo", "crowdstrike", "--mode", "all", "--json"), CliJson.Default.DictionaryStringCrowdStrikeRun)!;

        Assert.Equal(["classic", "improved", "isolated", "preflight"], runs.Keys);
        var classic = runs["classic"];
        Assert.True(classic.FailedBoots >= 3, $"Classic lost {classic.FailedBoots} boots");
        Assert.True(classic.ManualSteps > 0);
        Assert.Equal((true, true, "Sensor"), (classic.MachineDown, classic.Recovered, classic.Blamed));
        Assert.Empty(classic.Quarantined);
        Assert.Contains(classic.Timeline, e => e.What.Contains("last-known-good", StringComparison.Ordinal) && e.What.Contains("0x00000050", StringComparison.Ordinal));

        var improved = runs["improved"];
        Assert.Equal((1, 0, true, true, "Sensor"), (improved.FailedBoots, improved.ManualSteps, improved.MachineDown, improved.Recovered, improved.Blamed));
        Assert.Equal(["Sensor C-00000291-00000000-00000001.sys"], improved.Quarantined);

        var isolated = runs["isolated"];
        Assert.Equal((0, 0, false, true, "Sensor"), (isolated.FailedBoots, isolated.ManualSteps, isolated.MachineDown, isolated.Recovered, isolated.Blamed));
        Assert.Equal(["Sensor C-00000291-00000000-00000001.sys"], isolated.Quarantined);

        // The bad file never reaches a boot: the push is refused, and the one boot after it is accepted on the good file.
        var preflight = runs["preflight"];
        Assert.Equal((0, 0, false, true, "Sensor"), (preflight.FailedBoots, preflight.ManualSteps, preflight.MachineDown, preflight.Recovered, preflight.Blamed));
        Assert.Equal(["Sensor C-00000291-00000000-00000001.sys"], preflight.Quarantined);
        Assert.Contains(preflight.Timeline, e => e.What == "the push is refused by its pre-flight: no control set has the file");
        Assert.Contains(preflight.Timeline, e => e.What.StartsWith("Sensor's C-00000291-00000000-00000001.sys quarantined: pre-flight: its host crashed replaying", StringComparison.Ordinal)
            && e.What.Contains("IndexOutOfRangeException", StringComparison.Ordinal));
        Assert.Single(preflight.Timeline, e => e.What.StartsWith("boot ", StringComparison.Ordinal) && e.What.EndsWith(": accepted", StringComparison.Ordinal));
        Assert.DoesNotContain(preflight.Timeline, e => e.What.Contains("bug check", StringComparison.Ordinal));
        Assert.All(runs.Values, r => Assert.True(r.Seconds > 0));
    }

    [Fact]
    public async Task CrowdStrike_OneMode_RunsOnlyThatMachine_AndPrintsItsTimelineAndSummary()
    {
        var output = await RunDemoAsync("demo", "crowdstrike", "--mode", "improved");

        Assert.Contains("boot 3, last-known-good on ControlSet", output);
        Assert.Contains("quarantined", output);
        // In a pipe, the timeline is a line per event and the summary plain columns.
        Assert.Matches(@"(?m)^improved +\+ *\d+\.\d s +boot 3, last-known-good on ControlSet", output);
        Assert.Matches(@"(?m)^improved +1 +0 +yes +yes ", output);
        Assert.DoesNotContain("classic", output);
    }

    [Fact]
    public async Task CrowdStrike_AnUnknownMode_IsAUsageErrorInOneSentence()
    {
        var refused = await Lkg.RunAsync(["demo", "crowdstrike", "--mode", "sometimes"], Environment);

        Assert.Equal((ExitCodes.Usage, ""), (refused.ExitCode, refused.Output));
        Assert.StartsWith("Argument 'sometimes' not recognized. Must be one of:", refused.Error);
    }

    /// <summary>A run that ends by a bug check in NotMyFault takes a boot's start and the fault's delay: seconds, not minutes.</summary>
    private const double NotMyFaultSeconds = 30;

    private async Task<NotMyFaultRow[]> DemoAsync(params string[] args) =>
        JsonSerializer.Deserialize(await RunDemoAsync(args), CliJson.Default.NotMyFaultRowArray)!;

    /// <summary>Runs a demo that must succeed, and checks it left no machine and no key of the user's behind; returns its output.</summary>
    private async Task<string> RunDemoAsync(params string[] args)
    {
        Directory.CreateDirectory(DemoTemp);
        var result = await Lkg.RunAsync(args, Environment);

        Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error}");
        // The runtime's debug pipes and diagnostic sockets of the kernels a bug check killed stay behind; the demo's directory may not.
        Assert.Empty(Directory.EnumerateDirectories(DemoTemp, "lkg-demo-*"));
        Assert.False(Directory.Exists(UserKeys), "the demo wrote into the user's key directory");
        return result.Output;
    }

    private static NotMyFaultRow Row(IEnumerable<NotMyFaultRow> rows, string fault) => Assert.Single(rows, r => r.Fault == fault);

    private static NotMyFaultRow AssertBlamesNotMyFault(NotMyFaultRow row, string code, string name)
    {
        Assert.Equal((code, name, "NotMyFault"), (row.BugCheck?.Code, row.BugCheck?.Name, row.Blamed));
        Assert.StartsWith($"0x{Convert.ToUInt32(code, 16):X}_NotMyFault", row.Bucket);
        Assert.DoesNotContain("_VRF", row.Bucket);
        return row;
    }
}
