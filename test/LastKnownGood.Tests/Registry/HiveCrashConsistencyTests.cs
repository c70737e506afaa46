using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Registry;

/// <summary>
/// A real child process writes to the hive in a loop and is killed with SIGKILL at random
/// instants. Each write sets A, a content file and B to the same counter; afterwards the hive
/// must open, verify, and hold the state before or after the write in flight, never a mix. The
/// hive starts at schema 2: the first child migrates it, and may be killed while it does.
/// </summary>
[Collection(nameof(HiveCrashConsistencyTests))]
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
        MachineDatabaseFiles.DowngradeToSchema2(path);
        var random = new Random(2024_07_19);
        var committed = 0u;
        var midWriteKills = 0;

        for (var trial = 0; trial < Trials; trial++)
        {
            // Kill a few milliseconds after the start of the first, second or third write: on a busy
            // machine a fixed delay from start-up could end every child before its first commit.
            using var child = ChildProcess.Start("HiveChild", ["write-loop", path]);
            var target = $"begin {committed + (uint)random.Next(1, 4)}";
            await child.WaitForLineAsync(l => l == target, TimeSpan.FromSeconds(30));
            await Task.Delay(random.Next(0, 5));
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

        Assert.True(File.Exists(MachineDatabase.BackupPath(path, 2)), "the hive was never migrated from schema 2");
        // The kills must have landed inside writes often, or the test proves little.
        Assert.True(midWriteKills >= Trials / 4, $"only {midWriteKills} of {Trials} kills landed during a write");
        Assert.True(committed >= Trials / 2, $"only {committed} writes committed in {Trials} trials");
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
