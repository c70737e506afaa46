using System.Globalization;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Internal;

public sealed class HelperProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AProgramThatEnds_GivesItsExitCodeAndAllItWrote_WithItsStandardInputClosedAndTheEnvironmentAdded()
    {
        var outcome = await HelperProcess.RunAsync("/bin/sh", ["-c", "cat; echo \"out $LKG_TEST_VALUE\"; echo err >&2; exit 3"], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["LKG_TEST_VALUE"] = "given" });

        Assert.Equal(new HelperProcess.Outcome(3, "out given\n", "err\n"), outcome);
    }

    [Fact]
    public async Task AProgramPastItsTime_IsKilled_AndGivesNoOutcome()
    {
        var pidFile = _temp.Combine("pid");

        var outcome = await HelperProcess.RunAsync("/bin/sh", ["-c", $"echo $$ > {pidFile}; exec sleep 600"], TimeSpan.FromSeconds(2));

        Assert.Null(outcome);
        Assert.True(await GoneAsync(pidFile), "the program still runs after its time was up");
    }

    [Fact]
    public async Task AProgramWhoseCallerGivesUp_IsKilled_AndTheWaitThrows()
    {
        var pidFile = _temp.Combine("pid");
        using var cancel = new CancellationTokenSource();
        var run = HelperProcess.RunAsync("/bin/sh", ["-c", $"echo $$ > {pidFile}; exec sleep 600"], Timeout.InfiniteTimeSpan, cancel: cancel.Token);
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            await Task.Delay(10);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(await GoneAsync(pidFile), "the program still runs after its caller gave up");
    }

    /// <summary>Whether the process whose id the file holds has ended (gone, or a zombie not yet reaped), within a minute.</summary>
    private static async Task<bool> GoneAsync(string pidFile)
    {
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if (File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z'))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
