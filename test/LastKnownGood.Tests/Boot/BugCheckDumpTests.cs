using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text.Json;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>
/// DESIGN §9, step 3, off the path to the next boot: the boot manager dumps a bug checked kernel
/// while the next boot runs, and records the dump once written. createdump runs behind a gate
/// (<see cref="BootManagerOptions.CreateDumpVariable"/>, a script that waits for a file the test
/// makes, then runs the runtime's createdump), so each order is a handshake, not a race.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BugCheckDumpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private const string WaitsForDump = "is still being written; the boot manager waits for it";

    [Fact]
    public async Task DumpTypeMini_NextBootStartsBeforeTheDumpIsWritten_ThenTheDumpIsWholeAndAnalyzable()
    {
        using var machine = await CreateMachineAsync();
        var gate = CreateDumpGate.Create(machine);
        using var boot = machine.StartBoot(gate.Environment, "--until", "2-boots", "--timeout", "80s");

        await boot.WaitForLineAsync(l => l.StartsWith("Boot 2: every component", StringComparison.Ordinal), Timeout);

        // Boot 2 runs; boot 1's kernel waits, stopped, for the dump that has not been written.
        var crash = machine.Crashes().Single(c => c.Boot == 1);
        Assert.Null(crash.Dump);
        Assert.Equal(BootOutcome.Bugcheck, machine.History()[0].Outcome);
        Assert.Equal('T', ProcessTable.State(await gate.DumpedProcessAsync()));
        var pending = await machine.LkgAsync("analyze", $"{crash.Id}");
        Assert.Contains($"DUMP:               still being written by the boot manager; run lkg analyze {crash.Id} again", pending.Output);
        Assert.True(Analysis(await machine.LkgAsync("analyze", $"{crash.Id}", "--json")).DumpPending);

        gate.Open();
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));

        crash = machine.Crashes().Single(c => c.Boot == 1);
        Assert.Equal(DumpFile.ForCrash(crash.Id), crash.Dump);
        Assert.Empty(Directory.EnumerateFiles(machine.Directory.DumpsPath, "*" + DumpFile.WritingSuffix));
        using (var hive = machine.Directory.OpenHive(TimeProvider.System))
        {
            var dump = Lkg.Dumps.Read(Path.Combine(machine.Directory.DumpsPath, crash.Dump!), DriverModules.OwnerOf(hive, crash.ControlSet, machine.Directory));
            Assert.Equal("the thread in the kernel's bug check", dump.Why);
            Assert.Contains(dump.Frames, f => f.Owner == "NotMyFault");
        }

        var analysis = Analysis(await machine.LkgAsync("analyze", $"{crash.Id}", "--json"));
        Assert.Equal((crash.Dump, false), (analysis.Dump, analysis.DumpPending));
        Assert.Null(ProcessTable.State(await gate.DumpedProcessAsync()));
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task BootManagerStopping_WaitsForTheDumpBeingWritten_AndRecordsIt()
    {
        using var machine = await CreateMachineAsync();
        var gate = CreateDumpGate.Create(machine);
        using var boot = machine.StartBoot(gate.Environment, "--until", "2-boots", "--timeout", "80s");

        await boot.WaitForErrorLineAsync(l => l.Contains(WaitsForDump, StringComparison.Ordinal), Timeout);

        // Boot 2 has been shut down and the run is over, but the boot manager has not stopped.
        Assert.Equal([(1, BootOutcome.Bugcheck), (2, BootOutcome.Shutdown)], machine.History().Select(b => (b.Number, b.Outcome)));
        Assert.False(boot.HasExited);
        Assert.Null(machine.Crashes().Single(c => c.Boot == 1).Dump);

        gate.Open();
        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));

        var crash = machine.Crashes().Single(c => c.Boot == 1);
        Assert.Equal(DumpFile.ForCrash(crash.Id), crash.Dump);
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(Path.Combine(machine.Directory.DumpsPath, crash.Dump!))[..4]);
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task CreateDumpFails_IsOneWarning_TheBootsGoOn_AndNoDumpIsLeft()
    {
        using var machine = await CreateMachineAsync();
        var failing = Path.Combine(Path.GetDirectoryName(machine.Root)!, "createdump-fails");
        File.WriteAllText(failing, "#!/bin/sh\necho 'no dump today' >&2\nexit 3\n");
        File.SetUnixFileMode(failing, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = await machine.TryLkgAsync(new Dictionary<string, string> { [BootManagerOptions.CreateDumpVariable] = failing }, "boot", "--until", "2-boots", "--timeout", "80s");

        Assert.Equal(0, result.ExitCode);
        var crash = machine.Crashes().Single(c => c.Boot == 1);
        Assert.Null(crash.Dump);
        Assert.Equal([(1, BootOutcome.Bugcheck), (2, BootOutcome.Shutdown)], machine.History().Select(b => (b.Number, b.Outcome)));
        Assert.Contains($"The dump of crash {crash.Id} could not be written: createdump exited with 3: no dump today", result.Error);
        Assert.Empty(Directory.EnumerateFiles(machine.Directory.DumpsPath));
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    /// <summary>NotMyFault reads a bad address a second after it starts, so boot 2 gets ready before it would bug check, and is shut down there.</summary>
    private static async Task<TestMachine> CreateMachineAsync()
    {
        var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/NotMyFault", "--start", "system");
        await Set(machine, @"Services\NotMyFault\Parameters", "Fault", "bad-read");
        await Set(machine, @"Services\NotMyFault\Parameters", "DelayMs", "1000", "dword");
        await Set(machine, @"Control\CrashControl", "DumpType", "mini");
        await Set(machine, @"Control\Recovery", "AcceptAfter", "3600", "dword");
        return machine;
    }

    private static Task Set(TestMachine machine, string key, string name, string value, string type = "sz") =>
        machine.LkgAsync("reg", "set", $@"SYSTEM\CurrentControlSet\{key}", name, value, "--type", type);

    private static CrashAnalysis Analysis(Lkg.Result json) => JsonSerializer.Deserialize(json.Output, CliJson.Default.CrashAnalysis)!;

    /// <summary>
    /// A createdump that logs its arguments, waits until <see cref="Open"/> (at most a minute), then
    /// runs the runtime's own.
    /// </summary>
    private sealed class CreateDumpGate(string script, string log, string gate)
    {
        public Dictionary<string, string> Environment => new() { [BootManagerOptions.CreateDumpVariable] = script };

        public static CreateDumpGate Create(TestMachine machine)
        {
            var directory = Path.GetDirectoryName(machine.Root)!;
            var (script, log, gate) = (Path.Combine(directory, "createdump-gate"), Path.Combine(directory, "createdump.log"), Path.Combine(directory, "gate"));
            var createDump = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
            File.WriteAllText(script, $"""
                #!/bin/sh
                echo "$*" >> '{log}'
                i=0
                while [ ! -e '{gate}' ]; do i=$((i + 1)); [ $i -gt 3000 ] && exit 9; sleep 0.02; done
                exec '{createDump}' "$@"

                """);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return new CreateDumpGate(script, log, gate);
        }

        /// <summary>The process the first createdump was asked to dump (its last argument), once it has been started.</summary>
        public async Task<int> DumpedProcessAsync()
        {
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(log) || File.ReadAllLines(log).Length == 0)
            {
                Assert.True(deadline.Elapsed < Timeout, "createdump was never started.");
                await Task.Delay(20);
            }

            return int.Parse(File.ReadAllLines(log)[0].Split(' ')[^1], CultureInfo.InvariantCulture);
        }

        public void Open() => File.WriteAllText(gate, "");
    }
}
