using System.Diagnostics;
using LastKnownGood.Fuzz;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Fuzz;

/// <summary>
/// The fuzzing harnesses (fuzz/LastKnownGood.Fuzz): every committed corpus input and every
/// reproducer of a fixed finding goes through its target in process, and a short afl-fuzz run
/// of each target, instrumented as scripts/fuzz.sh builds it, finds no crash and no hang.
/// </summary>
public sealed class FuzzHarnessTests
{
    private static readonly string Root = MachineManifestTests.RepositoryRoot();

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "corpus", "regressions" })
        {
            foreach (var target in FuzzTargets.All.Keys)
            {
                var directory = Path.Combine(Root, "fuzz", folder, target);
                foreach (var file in Directory.Exists(directory) ? Directory.GetFiles(directory).Order().ToArray() : [])
                {
                    data.Add(target, Path.GetRelativePath(Root, file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void CommittedInput_GoesThroughItsTarget(string target, string file) =>
        FuzzTargets.All[target](File.ReadAllBytes(Path.Combine(Root, file)));

    [Fact]
    public void EveryTarget_HasACorpus()
    {
        foreach (var target in FuzzTargets.All.Keys)
        {
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(Root, "fuzz", "corpus", target)));
        }
    }

    [Fact]
    public void NodeRegressions_AreRefusedAsCorruption()
    {
        // Each was an exception other than corruption (a negative count, an overflow, an invalid or
        // unsorted name) or a multi-gigabyte allocation before the decoder checked its counts.
        var directory = Path.Combine(Root, "fuzz", "regressions", "node");
        foreach (var file in Directory.GetFiles(directory))
        {
            var data = File.ReadAllBytes(file);
            Assert.Throws<HiveCorruptException>(() => KeyNode.Decode(data, ContentHash.Of(data)));
        }
    }

    [Fact]
    public async Task BoundedAflRun_FindsNoCrash()
    {
        using var temp = new TempDirectory();
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LKG_FUZZ_OUT"] = temp.Combine("out") },
        };
        foreach (var arg in new[] { Path.Combine(Root, "scripts", "fuzz.sh"), "5" }.Concat(FuzzTargets.All.Keys))
        {
            info.ArgumentList.Add(arg);
        }

        using var fuzz = Process.Start(info)!;
        var output = fuzz.StandardOutput.ReadToEndAsync();
        var error = fuzz.StandardError.ReadToEndAsync();
        await fuzz.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));

        var report = await output + await error;
        Assert.True(fuzz.ExitCode == 0, report);
        foreach (var target in FuzzTargets.All.Keys)
        {
            Assert.Matches($@"(?m)^{target}: [1-9][0-9]* runs in 5 s, 0 crashes, 0 hangs", report);
        }
    }
}
