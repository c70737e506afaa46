using System.Diagnostics;
using LastKnownGood.Boot;
using LastKnownGood.Drivers;
using LastKnownGood.Internal;
using LastKnownGood.Kernel.UserMode;
using LastKnownGood.Machines;
using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Recovery;

/// <summary>What a pre-flight found: passed, failed (with the analysis), not run (with why), or skipped (<c>--no-preflight</c>).</summary>
public enum PreflightOutcome
{
    Passed,
    Failed,
    NotRun,
    Skipped,
}

/// <summary>One pre-flight: its outcome, how many recorded events it replayed, how long it took, and a sentence that says what happened.</summary>
public sealed record PreflightResult(PreflightOutcome Outcome, int Events, TimeSpan Elapsed, string Detail);

/// <summary>
/// Content pre-flight (DESIGN §8; CrowdStrike's own finding: run new content in the real
/// interpreter, not only a separate validator): before a content push commits, the component's
/// driver, kernel-mode or user-mode alike, runs in a throwaway <c>lkg-host umhost</c> on the
/// control set being written, with the new content, and is handed the real events the kernel
/// recorded it evaluating (<see cref="RecordedEvents"/>), in order, then asked to unload. An
/// exception that escapes it, a DriverEntry that fails, a host that breaks the protocol or does
/// not finish within <see cref="Timeout"/> fails the pre-flight, and the push with it. The host
/// is served by the same protocol as a boot's (<see cref="HostSession"/>), from the hive of the
/// write, so it reads exactly what the push would commit; it may not write the registry or
/// accept a boot.
/// </summary>
public sealed class Preflight(KernelCommandLine host)
{
    /// <summary>
    /// How long DriverEntry, the replay and the unload may take together: well inside the hive's
    /// busy timeout (10 s), since the push holds the write while the host runs, and a running
    /// kernel's event log and its boot manager wait for it.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="component"/> of control set <paramref name="controlSet"/> against its recorded events; never throws for what the driver does.</summary>
    public PreflightResult Run(MachineDirectory machine, Hive hive, int controlSet, string component)
    {
        var clock = Stopwatch.StartNew();
        var key = hive.OpenKey(controlSet, KeyPath.Parse("Services").Child(component));
        if (key is null || !ServiceEntry.TryRead(component, key, out var entry) || !entry.IsDriver)
        {
            return new(PreflightOutcome.NotRun, 0, clock.Elapsed, $"{component} is no driver, so there is no interpreter of its content to run");
        }

        var integrity = new DriverStore(machine).Verify(entry.ImagePath, CodeIntegrityPolicy.Read(hive, controlSet));
        if (!integrity.Succeeded || integrity.Manifest is not { } manifest)
        {
            return new(PreflightOutcome.NotRun, 0, clock.Elapsed, $"{component}'s package does not verify: {integrity.Reason ?? "it cannot be verified"}");
        }

        var events = RecordedEvents.Read(hive, component);
        var services = new PreflightServices(hive, controlSet, ContentStore.For(machine, hive, controlSet));
        var run = Path.Combine(machine.RunPath, $"preflight-{component}-{Environment.ProcessId}.sock");
        Directory.CreateDirectory(machine.RunPath);
        File.Delete(run);
        using var listener = UnixListener.Listen(run, 1);
        var process = HostProcess.TryStart(services, host, component,
            ["--driver", component, "--package", Path.Combine(machine.DriversPath, entry.ImagePath), "--assembly", manifest.Assembly, "--type", manifest.Type, "--socket", run],
            out var reason);
        if (process is null)
        {
            return new(PreflightOutcome.NotRun, events.Count, clock.Elapsed, reason);
        }

        var accepting = new Thread(() => Accept(listener, process, services, component)) { IsBackground = true, Name = $"pre-flight {component} accept" };
        accepting.Start();
        try
        {
            return Replay(process, services, component, events, clock);
        }
        finally
        {
            process.Kill();
            listener.Close();
            accepting.Join();
            process.Exited.Wait(Timeout);
        }
    }

    private static PreflightResult Replay(HostProcess process, PreflightServices services, string component, IReadOnlyList<RecordedEvent> events, Stopwatch clock)
    {
        var deadline = Task.Delay(Timeout);
        Task.WaitAny(process.Started.Task, process.Exited, deadline);
        if (!process.Started.Task.IsCompleted)
        {
            process.DrainOutput();
            return Failed(process.Exited.IsCompleted ? $"its host ended before DriverEntry returned: {services.Analysis(process)}" : $"DriverEntry did not return within {Timeout.TotalSeconds:0} s");
        }

        if (process.Started.Task.Result is { IsSuccess: false } status)
        {
            return Failed($"DriverEntry failed with it ({status}){services.LastLine()}");
        }

        foreach (var recorded in events)
        {
            process.Session!.Forward(recorded.Event, wait: true);
        }

        process.Session!.RequestStop();
        Task.WaitAny(process.Exited, deadline);
        process.DrainOutput();
        var replayed = events.Count == 1 ? "1 recorded event" : $"{events.Count} recorded events";
        return !process.Exited.IsCompleted ? Failed($"its host did not finish {replayed} and unload within {Timeout.TotalSeconds:0} s")
            : process.Exited.Result == 0 && process.Violation is null ? new(PreflightOutcome.Passed, events.Count, clock.Elapsed, $"{component} ran it against {replayed} in a throwaway host")
            : Failed($"its host crashed replaying {replayed}: {services.Analysis(process)}");

        PreflightResult Failed(string why) => new(PreflightOutcome.Failed, events.Count, clock.Elapsed, why);
    }

    /// <summary>Takes the one connection of the host this pre-flight started, by its pid; anyone else's is refused.</summary>
    private static void Accept(UnixListener listener, HostProcess process, PreflightServices services, string component)
    {
        while (listener.Accept() is { } connection)
        {
            var channel = new FrameChannel(connection);
            var session = connection.PeerProcessId != process.Pid ? null
                : new HostSession(services, component, channel, status => process.Started.TrySetResult(status), (why, violation) =>
                {
                    if (violation)
                    {
                        process.Violation = why;
                        process.Kill();
                    }
                });
            if (session is null || !process.TryAttach(session))
            {
                channel.Dispose();
                continue;
            }

            session.Start();
        }
    }

    /// <summary>The kernel's side for the throwaway host: the write's hive, under a lock of its own; the host's lines, kept for the analysis.</summary>
    private sealed class PreflightServices(Hive hive, int controlSet, ContentStore content) : IHostServices
    {
        private readonly Lock _gate = new();
        private readonly List<string> _lines = [];

        public ContentStore Content => content;

        public T WithHive<T>(Func<Hive, int, T> read)
        {
            lock (_gate)
            {
                return read(hive, controlSet);
            }
        }

        public void Log(string source, string message)
        {
            lock (_lines)
            {
                _lines.Add(message);
            }
        }

        public NtStatus ReportBootOk(string component) => NtStatus.PrivilegeNotHeld;

        /// <summary>Why the host died: its violation, or the first line it printed about an escaped exception and the first frame of the stack under it, or its exit.</summary>
        public string Analysis(HostProcess process)
        {
            if (process.Violation is { } violation)
            {
                return violation;
            }

            lock (_lines)
            {
                var escaped = _lines.FindIndex(l => l.Contains(" escaped ", StringComparison.Ordinal) || l.Contains("cannot go on", StringComparison.Ordinal));
                if (escaped < 0)
                {
                    return process.Exited.Result > 128 ? $"it was killed by signal {process.Exited.Result - 128}" : $"it exited with code {process.Exited.Result}";
                }

                // The first frame of the stack, without its source path: the method that threw.
                var frame = _lines.Skip(escaped + 1).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at ", StringComparison.Ordinal));
                return frame is null ? _lines[escaped] : $"{_lines[escaped]} ({frame.Split(" in ")[0]})";
            }
        }

        /// <summary>The driver's last line, as a clause, for a DriverEntry that failed: it often says why.</summary>
        public string LastLine()
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? "" : $"; it said \"{_lines[^1]}\"";
            }
        }
    }
}
