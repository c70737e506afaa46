using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;
using LastKnownGood.Registry;

namespace LastKnownGood.Cli.Demo;

/// <summary>
/// DESIGN §13's CrowdStrike scenario on one throwaway machine per mode, through the real lkg
/// command line and boot manager: the Sensor (boot start, Critical, kernel mode unless isolated)
/// boots with a good channel file and is accepted; the bad channel file 291 arrives; what follows
/// is each mode's recovery. Only the preflight machine pushes it with its pre-flight; the others
/// give <c>--no-preflight</c>, to show what recovery does once a bad file is in. The summary is
/// read from each machine's database afterwards.
/// </summary>
internal sealed class CrowdStrikeDemo(ThrowawayMachines machines, TimeProvider time)
{
    /// <summary>The modes built, in the order of DESIGN §13.</summary>
    public static readonly string[] Modes = ["classic", "improved", "isolated", "preflight"];

    public static readonly IReadOnlyList<(string Driver, string[] InstallOptions)> Drivers =
    [
        ("Sensor", ["--start", "boot", "--error-control", "critical", "--group", "Early-Launch"]),
        ("Hello", ["--start", "system", "--error-control", "normal", "--group", "Base"]),
    ];

    /// <summary>Boots are accepted after 2 healthy seconds; safe mode loads the Base group (Hello), not the Sensor.</summary>
    public static readonly IReadOnlyList<string[]> Settings =
    [
        [RecoveryKey, "AcceptAfter", "2", "--type", "dword"],
        [@"SYSTEM\CurrentControlSet\Control\SafeBoot\Minimal\Base", "", "Driver Group"],
    ];

    private const string RecoveryKey = @"SYSTEM\CurrentControlSet\Control\Recovery";

    private const string ChannelFile = "C-00000291-00000000-00000001.sys";

    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);

    public async Task<CrowdStrikeRun> RunAsync(string mode, CancellationToken stop)
    {
        var machine = machines.NewMachine(mode);
        var notes = new List<(DateTimeOffset When, string What)>();
        if (mode == "classic")
        {
            await machines.LkgAsync(machine, stop, "reg", "set", RecoveryKey, "Policy", "Classic");
        }
        else if (mode == "isolated")
        {
            await machines.LkgAsync(machine, stop, "reg", "set", @"SYSTEM\CurrentControlSet\Services\Sensor", "Type", "2", "--type", "dword");
        }

        await machines.LkgAsync(machine, stop, "content", "push", "Sensor", Channel("C-00000291-00000000-00000001.sys"));
        await BootAsync(machine, "accepted", stop);
        var firstBad = BootCount(machine) + 1;

        var arrived = time.GetUtcNow();
        string[] push = ["content", "push", "Sensor", Channel("C-00000291-00000000-00000032.sys"), "--name", ChannelFile];
        if (mode == "preflight")
        {
            var refused = await machines.TryLkgAsync(machine, stop, push);
            notes.Add((arrived, "the bad channel file 291 arrives; the Sensor runs it first in a throwaway host, against the events it recorded"));
            notes.Add((time.GetUtcNow(), refused.ExitCode == 0 ? "the pre-flight passed it, and it was pushed" : "the push is refused by its pre-flight: no control set has the file"));
        }
        else
        {
            await machines.LkgAsync(machine, stop, [.. push, "--no-preflight"]);
            notes.Add((arrived, mode == "classic" ? "the bad channel file 291 arrives, outside the control sets" : "the bad channel file 291 arrives as a new control set"));
        }

        var manualSteps = 0;
        switch (mode)
        {
            case "classic":
                await BootAsync(machine, "halted", stop);
                notes.Add((time.GetUtcNow(), "a person, in safe mode, deletes C-00000291*.sys"));
                await machines.LkgAsync(machine, stop, "content", "delete", "Sensor", "C-00000291*");
                notes.Add((time.GetUtcNow(), "the person boots the machine normally"));
                manualSteps = 2;
                await BootAsync(machine, "accepted", stop);
                break;
            case "improved" or "preflight":
                await BootAsync(machine, "accepted", stop);
                break;
            case "isolated":
                // Each boot with the bad file is accepted; its Sensor is disabled once its host has crashed four times, and that puts the
                // good file back for the next boot. On a busy machine a boot may be accepted before the fourth crash: boot until one runs the good file.
                for (var boots = 0; boots < MaxIsolatedBoots && (boots == 0 || RunsBadFile(machine)); boots++)
                {
                    await BootAsync(machine, "accepted", stop);
                }

                break;
        }

        return Summarize(machine, firstBad, arrived, notes, manualSteps);
    }

    /// <summary><c>lkg boot --until <paramref name="until"/></c>, as a user runs it.</summary>
    private Task BootAsync(MachineDirectory machine, string until, CancellationToken stop) =>
        machines.LkgAsync(machine, stop, "boot", "--until", until, "--timeout", $"{BootTimeout.TotalSeconds:0}s");

    private const int MaxIsolatedBoots = 4;

    /// <summary>Whether the newest boot ran the bad channel file.</summary>
    private bool RunsBadFile(MachineDirectory machine)
    {
        using var hive = machine.OpenHive(time, HiveAccess.ReadOnly);
        return BootLog.Newest(hive) is { } newest && HoldsBadFile(hive, machine, newest.ControlSet);
    }

    private int BootCount(MachineDirectory machine)
    {
        using var hive = machine.OpenHive(time, HiveAccess.ReadOnly);
        return BootLog.NewestNumber(hive);
    }

    /// <summary>The run as the machine recorded it: its boots from <paramref name="firstBad"/> on, their crashes, and the quarantine.</summary>
    private CrowdStrikeRun Summarize(MachineDirectory machine, int firstBad, DateTimeOffset arrived, List<(DateTimeOffset When, string What)> notes, int manualSteps)
    {
        using var hive = machine.OpenHive(time, HiveAccess.ReadOnly);
        var boots = BootLog.List(hive).Where(b => b.Number >= firstBad).ToList();
        var events = new List<(DateTimeOffset When, string What)>(notes);
        string? blamed = null;
        foreach (var boot in boots)
        {
            var crash = CrashLog.FindForBoot(hive, boot.Number);
            if (crash is not null)
            {
                blamed ??= new Analyzer(hive, machine, LkgProgram.Dumps()).Analyze(crash).FollowupName;
            }

            var how = crash is not null ? $"bug check {StopCodeJsonConverter.Format(crash.Code)} {crash.Name} in {crash.Component ?? "unknown"}" : BootNames.Name(boot.Outcome);
            events.Add((boot.Accepted ?? boot.Ended ?? boot.Started, $"boot {boot.Number}, {BootNames.Name(boot.Mode)} on {ControlSetInfo.FormatName(boot.ControlSet)}: {how}"));
        }

        var quarantine = Quarantine.List(hive);
        foreach (var entry in quarantine)
        {
            blamed ??= entry.Component;
            events.Add((entry.Created, $"{entry.Component}'s {entry.Name} quarantined: {entry.Reason}"));
        }

        var last = boots.LastOrDefault();
        var recovered = last is { Accepted: not null } && !HoldsBadFile(hive, machine, last.ControlSet);
        var failed = boots.Count(b => b.Failed);
        var end = recovered ? last!.Accepted!.Value : time.GetUtcNow();
        return new CrowdStrikeRun(failed, manualSteps, MachineDown: failed > 0, recovered, Math.Round((end - arrived).TotalSeconds, 1), blamed,
            [.. quarantine.Select(q => $"{q.Component} {q.Name}")],
            [.. events.OrderBy(e => e.When).Select(e => new TimelineEntry(Math.Round((e.When - arrived).TotalSeconds, 1), e.What))]);
    }

    /// <summary>Whether the Sensor of control set <paramref name="set"/> reads the bad channel file (from the plain directory under Classic).</summary>
    private static bool HoldsBadFile(Hive hive, MachineDirectory machine, int set)
    {
        var bad = File.ReadAllBytes(Channel("C-00000291-00000000-00000032.sys"));
        var store = Services.ContentStore.For(machine, hive, set);
        return store.Names(hive, set, "Sensor").Any(name =>
        {
            using var stream = store.Open(hive, set, "Sensor", name);
            using var copy = new MemoryStream();
            stream?.CopyTo(copy);
            return copy.ToArray().AsSpan().SequenceEqual(bad);
        });
    }

    /// <summary>A Sensor channel file beside lkg (<c>samples/Sensor/content/</c>).</summary>
    private static string Channel(string name) => Path.Combine(DemoDriverPackage.Find("Sensor"), "content", name);
}
