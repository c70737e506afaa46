using System.Diagnostics;
using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Boot;

/// <summary>
/// A boot manager whose hive refuses its writes, with real processes: held by another process
/// (HiveChild hold-write), on a read-only file system, on a full disk. It waits, says so once,
/// records what happened when it can, and ends cleanly on --timeout; commands say one sentence.
/// </summary>
public sealed class BootManagerStorageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private const string EndWaits = "waits to be recorded";

    [Fact]
    public async Task HiveHeldWhenABootEnds_TheEndWaitsWithOneWarning_AndIsRecordedOnceReleased()
    {
        using var machine = await CreateMachineAsync();
        using var boot = machine.StartBoot("--until", "2-boots", "--timeout", "80s");
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);
        using (var holder = ChildProcess.Start("HiveChild", ["hold-write", machine.Directory.HivePath]))
        {
            await holder.WaitForLineAsync(l => l == "holding", Timeout);
            Signal(machine.History()[0].KernelProcessId!.Value, "KILL");
            await boot.WaitForErrorLineAsync(l => l.Contains(EndWaits, StringComparison.Ordinal), Timeout);
        }

        Assert.Equal(0, await boot.WaitForExitAsync(Timeout));
        Assert.Equal([(1, BootOutcome.Killed), (2, BootOutcome.Shutdown)], machine.History().Select(b => (b.Number, b.Outcome)));
        Assert.Equal(1, Count(boot.StandardError, EndWaits));
        Assert.Contains("takes writes again", boot.StandardError);
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task HiveHeldWhileTheEndWaits_TimeoutEndsTheRunCleanly_AndTheNextBootManagerClosesTheBoot()
    {
        using var machine = await CreateMachineAsync();
        using var boot = machine.StartBoot("--timeout", "15s");
        await boot.WaitForLineAsync(l => l.StartsWith("Boot 1: every component", StringComparison.Ordinal), Timeout);
        using (var holder = ChildProcess.Start("HiveChild", ["hold-write", machine.Directory.HivePath]))
        {
            await holder.WaitForLineAsync(l => l == "holding", Timeout);
            Signal(machine.History()[0].KernelProcessId!.Value, "KILL");

            // The timeout, then at most one busy timeout (10 s) for the try in progress.
            Assert.Equal(1, await boot.WaitForExitAsync(TimeSpan.FromSeconds(40)));
            Assert.Equal(1, Count(boot.StandardError, EndWaits));
            Assert.Contains("stopped while the hive refused a write", Lines(boot.StandardError)[^1]);
        }

        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
        Assert.Null(Assert.Single(machine.History()).Ended);
        await machine.LkgAsync("boot", "--until", "1-boots", "--timeout", "60s");
        Assert.Equal([(1, BootOutcome.Killed), (2, BootOutcome.Shutdown)], machine.History().Select(b => (b.Number, b.Outcome)));
    }

    [Fact]
    public async Task ReadOnlyMachine_BootEndsWithinItsTimeoutInOneSentence_AndNothingRuns()
    {
        using var machine = await CreateMachineAsync();
        using var readOnly = TestMount.ReadOnly(machine.Root);
        var clock = Stopwatch.StartNew();

        var result = await machine.TryLkgAsync("boot", "--timeout", "5s");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"lkg boot took {clock.Elapsed.TotalSeconds:0.0} s with --timeout 5s.");
        Assert.Equal(1, result.ExitCode);
        Assert.InRange(Lines(result.Error).Length, 1, 3);
        Assert.Contains("read-only", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    [Fact]
    public async Task FullDisk_ContentPushAndBootSayOneSentence_AndLeaveNoTemporaryFile()
    {
        TestMount? disk = null;
        using var machine = await TestMachine.CreatePreparedAsync("disk/machine", temp => disk = TestMount.Tmpfs(Path.Combine(temp, "disk"), "32m"), "--policy", "classic");
        using var mounted = disk!;
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        var content = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(machine.Root))!, "content.bin");
        await File.WriteAllBytesAsync(content, new byte[256 * 1024]);
        TestMount.Fill(Path.GetDirectoryName(machine.Root)!);
        var before = Files(machine.Root);

        var push = await machine.TryLkgAsync("content", "push", "Hello", content);
        var boot = await machine.TryLkgAsync("boot", "--timeout", "5s");

        Assert.Equal((1, 1), (push.ExitCode, boot.ExitCode));
        Assert.Single(Lines(push.Error));
        Assert.Contains("is full", push.Error);
        Assert.Single(Lines(boot.Error));
        Assert.Contains("is full", boot.Error);
        // machine.lock is the boot manager's lock (DESIGN §4), which lkg boot creates empty before it finds the disk full.
        Assert.Equal(before, Files(machine.Root).Where(f => f != "machine.lock" || before.Contains(f)));
        Assert.Empty(await machine.WaitForNoProcessesAsync(Timeout));
    }

    private static async Task<TestMachine> CreateMachineAsync()
    {
        var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "3600", "--type", "dword");
        return machine;
    }


    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Count(string text, string part) => Lines(text).Count(l => l.Contains(part, StringComparison.Ordinal));

    private static string[] Files(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal) && !f.EndsWith("-wal", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static void Signal(int processId, string signal) =>
        Process.Start("kill", [$"-{signal}", processId.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
}
