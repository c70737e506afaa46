using System.CommandLine;
using System.Runtime.InteropServices;
using LastKnownGood.Boot;
using LastKnownGood.Cli.Documents;
using LastKnownGood.Diagnostics;
using LastKnownGood.Machines;
using LastKnownGood.Recovery;

namespace LastKnownGood.Cli.Commands;

/// <summary><c>lkg boot [--safe-mode minimal|network] [--until accepted|halted|N-boots] [--timeout T]</c>: the boot manager.</summary>
internal static class BootCommand
{
    public static Command Create(TimeProvider time)
    {
        var safeMode = new Option<string?>("--safe-mode") { Description = "Boot safe mode first: only what Control\\SafeBoot\\Minimal or \\Network names loads." };
        safeMode.AcceptOnlyFromAmong("minimal", "network");
        var until = new Option<string?>("--until") { Description = "End by itself when a boot is accepted, when the machine halts, or after N boots (accepted, halted, N-boots)." };
        var timeout = new Option<string?>("--timeout") { Description = "Give up and shut the machine down after this long (such as 90s, 5m)." };
        var command = new Command("boot", "Run the boot manager: boot the machine, accept healthy boots, recover from failed ones.") { safeMode, until, timeout };
        command.SetHandler(time, (context, result) =>
        {
            var options = new BootManagerOptions
            {
                Kernel = LkgProgram.Host(),
                SafeMode = result.GetValue(safeMode) is { } mode ? BootNames.Parse<BootMode>($"safe-{mode}") : null,
                Until = result.GetValue(until) is { } text ? ParseUntil(text) : null,
                Timeout = result.GetValue(timeout) is { } duration ? ParseDuration(duration) : null,
                CreateDump = Environment.GetEnvironmentVariable(BootManagerOptions.CreateDumpVariable) is { Length: > 0 } createDump ? createDump : null,
            };
            context.Machine.RequireExists();
            using var machineLock = MachineLock.Acquire(context.Machine.LockPath, "lkg boot", context.Time);
            context.Held = machineLock;
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var hive = context.OpenHive();
            var reporter = new ConsoleBootReporter(context);
            using var supervisor = SupervisorReporter.FromEnvironment(reporter, context.Time);
            using var stopping = supervisor is null ? default : stop.Token.Register(supervisor.Stopping);
            var manager = new BootManager(context.Machine, machineLock, hive, options, (IBootReporter?)supervisor ?? reporter, context.Time);
            var outcome = manager.RunAsync(stop.Token).GetAwaiter().GetResult();
            supervisor?.Stopping();
            if (context.Json)
            {
                var boots = reporter.Started.Select(n => BootDocument.From(BootLog.Get(hive, n), CrashLog.FindForBoot(hive, n), RecoveryLog.ReadForBoots(hive, n, n).FirstOrDefault()?.Value));
                CommandContext.WriteJson(new BootRunDocument(BootNames.Name(outcome), [.. boots], SelectDocument.From(hive.ReadSelect())), CliJson.Default.BootRunDocument);
            }

            return (outcome, manager.WriteFailure) switch
            {
                (BootRunResult.TimedOut or BootRunResult.Stopped, { } failure) => Fail(
                    $"The boot manager stopped while the hive refused a write ({failure.Message.TrimEnd('.')}); nothing of the machine runs, and the next lkg boot records what is missing."),
                (BootRunResult.TimedOut, _) => Fail($"The machine did not reach {options.Until?.Text ?? "a stop"} within {result.GetValue(timeout)}; it was shut down. See lkg history."),
                (BootRunResult.Halted, _) => Fail("The machine halted before a boot was accepted; repair it (lkg crashes shows why, lkg content and lkg reg change it), then run lkg boot again."),
                _ => ExitCodes.Success,
            };

            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }

    private static BootUntil ParseUntil(string text)
    {
        try
        {
            return BootUntil.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static TimeSpan ParseDuration(string text) =>
        Durations.TryParse(text, out var duration) ? duration : throw new UsageException($"--timeout takes {Durations.Expected}, not \"{Quote.Short(text)}\".");

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.Failed;
    }
}
