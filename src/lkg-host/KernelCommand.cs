using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using LastKnownGood.Boot;
using LastKnownGood.Cli;
using LastKnownGood.Kernel;
using LastKnownGood.Machines;

namespace LastKnownGood.Host;

/// <summary>
/// <c>lkg-host kernel</c>: one boot. The boot manager starts it; tests may start it directly.
/// It prints <c>ready</c> once every component has started, and shuts down on SIGTERM or SIGINT.
/// </summary>
internal static class KernelCommand
{
    public const string Name = "kernel";

    private const string Help = """
        Run one boot's kernel: start its drivers and services, print "ready", run until SIGTERM or SIGINT.

        Usage: lkg-host kernel [options]

          --control-set N     The control set to boot (default: Select's Default).
          --boot N            The boot's number, recorded in crash records.
          --mode MODE         normal, last-known-good, safe-minimal or safe-network (default: normal).
          --crash-fd FD       The boot manager's crash pipe: a bug check hands its record over it.
          --watchdog TIME     How long a driver call may run before bug check 0xEA, such as 500ms or 10s (default: 10s).
          --machine DIR       The machine directory (default: $LKG_MACHINE, else ./machine).
        """;

    /// <summary>
    /// Parses <paramref name="args"/> (the words after <c>kernel</c>) and runs the boot; returns its
    /// exit code. An exception that nothing handles is printed and exits with 1, as System.CommandLine
    /// does for the commands of the tree, rather than aborting the process.
    /// </summary>
    public static int Run(IReadOnlyList<string> args, TimeProvider time)
    {
        try
        {
            return CommandBoundary.Run(() => Boot(args, time));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Unhandled exception: {e}");
            return ExitCodes.Failed;
        }
    }

    private static int Boot(IReadOnlyList<string> args, TimeProvider time)
    {
        if (args is ["--help" or "-h"])
        {
            Console.Out.WriteLine(Help);
            return ExitCodes.Success;
        }

        var (options, machineOption) = Parse(args);
        var machine = MachineDirectory.Resolve(machineOption);
        RecordStartUpProfile(machine);
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Shutdown);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Shutdown);
        using var kernel = new Kernel.Kernel(machine, options, time);
        using var crash = PosixSignalRegistration.Create((PosixSignal)ManualCrash.Signal, _ => kernel.CrashManually());
        return kernel.Run(stop.Token);

        void Shutdown(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>
    /// Multicore JIT: the runtime compiles, on another core, the methods the previous kernel of this
    /// machine compiled during its run, before this one asks for them, and records this run's for the
    /// next boot when it shuts down cleanly. Even ReadyToRun code leaves some generic instantiations
    /// and stubs to compile at every start (bench/README.md, kernel start). A missing, stale or
    /// unwritable profile only costs the speed-up.
    /// </summary>
    private static void RecordStartUpProfile(MachineDirectory machine)
    {
        ProfileOptimization.SetProfileRoot(machine.Root);
        ProfileOptimization.StartProfile(Path.GetFileName(machine.KernelProfilePath));
    }

    /// <summary>The kernel's options, and <c>--machine</c>; a word it does not know is a <see cref="UsageException"/>.</summary>
    internal static (KernelOptions Options, string? Machine) Parse(IReadOnlyList<string> args)
    {
        var options = new KernelOptions();
        string? machine = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--control-set":
                    options = options with { ControlSet = WholeNumber(args, ref i) };
                    break;
                case "--boot":
                    options = options with { Boot = WholeNumber(args, ref i) };
                    break;
                case "--mode":
                    options = options with { Mode = Mode(args, ref i) };
                    break;
                case CrashHandoff.Option:
                    options = options with { CrashHandoff = WholeNumber(args, ref i) };
                    break;
                case "--watchdog":
                    options = options with { WatchdogTimeout = Duration(args, ref i) };
                    break;
                case "--machine":
                    machine = Value(args, ref i);
                    break;
                default:
                    throw Usage($"lkg-host kernel does not take '{args[i]}'");
            }
        }

        return (options, machine);
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw Usage($"{args[i - 1]} needs a value");

    private static int WholeNumber(IReadOnlyList<string> args, ref int i) =>
        int.TryParse(Value(args, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Usage($"{args[i - 1]} takes a whole number, not '{args[i]}'");

    private static TimeSpan Duration(IReadOnlyList<string> args, ref int i) =>
        Durations.TryParse(Value(args, ref i), out var duration) ? duration : throw Usage($"{args[i - 1]} takes {Durations.Expected}, not '{args[i]}'");

    private static BootMode Mode(IReadOnlyList<string> args, ref int i)
    {
        try
        {
            return BootNames.Parse<BootMode>(Value(args, ref i));
        }
        catch (FormatException e)
        {
            throw Usage($"--mode: {e.Message.TrimEnd('.')}");
        }
    }

    private static UsageException Usage(string problem) => new($"{problem}; run lkg-host kernel --help for usage.");
}
