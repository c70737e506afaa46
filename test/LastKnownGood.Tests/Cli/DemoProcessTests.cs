using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// <c>lkg demo notmyfault</c>, run as users run it: real machines, real boots, real analyses,
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
    public async Task DemoCrowdStrike_IsRefusedAsNotBuiltYet_AndNotAdvertised()
    {
        var refused = await Lkg.RunAsync(["demo", "crowdstrike", "--mode", "all"], Environment);
        var help = await Lkg.RunAsync(["demo", "--help"], Environment);

        Assert.Equal((ExitCodes.Usage, "", "lkg demo crowdstrike is not built yet; lkg demo notmyfault is."), (refused.ExitCode, refused.Output, refused.Error));
        Assert.Contains("notmyfault", help.Output);
        Assert.DoesNotContain("crowdstrike", help.Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A run that ends by a bug check in NotMyFault takes a boot's start and the fault's delay: seconds, not minutes.</summary>
    private const double NotMyFaultSeconds = 30;

    private async Task<NotMyFaultRow[]> DemoAsync(params string[] args)
    {
        Directory.CreateDirectory(DemoTemp);
        var result = await Lkg.RunAsync(args, Environment);

        Assert.True(result.ExitCode == ExitCodes.Success, $"lkg {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error}");
        // The runtime's debug pipes and diagnostic sockets of the kernels a bug check killed stay behind; the demo's directory may not.
        Assert.Empty(Directory.EnumerateDirectories(DemoTemp, "lkg-demo-*"));
        Assert.False(Directory.Exists(UserKeys), "the demo wrote into the user's key directory");
        return JsonSerializer.Deserialize(result.Output, CliJson.Default.NotMyFaultRowArray)!;
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
