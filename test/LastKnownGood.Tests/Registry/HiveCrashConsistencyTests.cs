using System.Globalization;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

/// <summary>
/// A real child process writes to the hive in a loop and is killed with SIGKILL at random
/// instants. Each write sets A, a content file and B to the same counter; afterwards the hive
/// must open, verify, and hold the state before or after the write in flight, never a mix.
/// </summary>
public sealed class HiveCrashConsistencyTests
{
    private static readonly KeyPath Key = KeyPath.Parse(@"Services\Test\Parameters");

    /// <summary>200 in the test run; <c>scripts/crash-soak.sh</c> raises it with LKG_CRASH_TRIALS.</summary>
    private static int Trials => int.TryParse(Environment.GetEnvironmentVariable("LKG_CRASH_TRIALS"), CultureInfo.InvariantCulture, out var n) ? n : 200;

    [Fact]
    public async Task Write_KilledAtRandomInstants_LeavesTheStateBeforeOrAfterEachWrite()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("system.db");
        Hive.Create(path, TimeProvider.System).Dispose();
        var random = new Random(2024_07_19);
        var committed = 0u;
        var midWriteKills = 0;

        for (var trial = 0; trial < Trials; trial++)
        {
            using var child = ChildProcess.Start("HiveChild", ["write-loop", path]);
            await child.WaitForLineAsync(l => l == "ready", TimeSpan.FromSeconds(30));
            await Task.Delay(random.Next(0, 40));
            await child.KillAsync();

            var begun = Last(child.Lines, "begin ") ?? committed;
            var done = Last(child.Lines, "done ") ?? committed;
            using var hive = Hive.Open(path, TimeProvider.System);
            var state = ReadCounter(hive, hive.ReadSelect().Default);
            Assert.True(state == done || state == begun, $"trial {trial}: the hive holds {state}, but the child had finished {done} and begun {begun}");
            midWriteKills += begun != done ? 1 : 0;
            foreach (var set in hive.ListControlSets())
            {
                hive.VerifyControlSet(set.Id, contents: true);
                ReadCounter(hive, set.Id);
            }

            committed = state;
        }

        // The kills must have landed inside writes often, or the test proves little.
        Assert.True(midWriteKills >= Trials / 4, $"only {midWriteKills} of {Trials} kills landed during a write");
        Assert.True(committed > Trials, $"only {committed} writes committed in {Trials} trials");
    }

    /// <summary>Reads A, B and the content file of one set and checks they agree.</summary>
    private static uint ReadCounter(Hive hive, int set)
    {
        if (set == 0 || hive.OpenKey(set, Key) is not { } key)
        {
            return 0;
        }

        key.TryGetValue("A", out var a);
        key.TryGetValue("B", out var b);
        key.TryGetValue("Content", out var content);
        using var reader = new StreamReader(hive.OpenFile(content.AsFile()));
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        Assert.Equal(a.AsDword(), b.AsDword());
        Assert.Equal([a.AsDword().ToString(CultureInfo.InvariantCulture)], lines);
        return a.AsDword();
    }

    private static uint? Last(IEnumerable<string> lines, string prefix) =>
        lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => (uint?)uint.Parse(l[prefix.Length..], CultureInfo.InvariantCulture)).LastOrDefault();
}
