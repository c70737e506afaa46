using System.CommandLine;
using System.Runtime.InteropServices;
using LastKnownGood.Boot;
using LastKnownGood.Kernel;

namespace LastKnownGood.Cli.Commands;

/// <summary>
/// <c>lkg kernel</c> (hidden): one boot. The boot manager starts it; tests may start it directly.
/// It prints <c>ready</c> once every driver has started, and shuts down on SIGTERM or SIGINT.
/// </summary>
internal static class KernelCommand
{
    public static Command Create(TimeProvider time)
    {
        var controlSet = new Option<int?>("--control-set") { Description = "The control set to boot (default: Select's Current, else Default)." };
        var boot = new Option<int?>("--boot") { Description = "The boot's number, recorded in crash records." };
        var mode = new Option<string>("--mode") { Description = "The boot's mode.", DefaultValueFactory = _ => BootNames.Name(BootMode.Normal) };
        mode.AcceptOnlyFromAmong([.. BootNames.All<BootMode>()]);
        var watchdog = new Option<double>("--watchdog") { Description = "Seconds a driver call may run before bug check 0xEA.", DefaultValueFactory = _ => 10 };
        var command = new Command("kernel", "Run one boot's kernel.") { controlSet, boot, mode, watchdog };
        command.Hidden = true;
        command.SetHandler(time, (context, result) =>
        {
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Shutdown);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Shutdown);
            using var kernel = new Kernel.Kernel(context.Machine, new KernelOptions
            {
                ControlSet = result.GetValue(controlSet),
                Boot = result.GetValue(boot),
                Mode = BootNames.Parse<BootMode>(result.GetValue(mode)!),
                WatchdogTimeout = TimeSpan.FromSeconds(result.GetValue(watchdog)),
            }, context.Time);
            using var crash = PosixSignalRegistration.Create((PosixSignal)ManualCrash.Signal, _ => kernel.CrashManually());
            return kernel.Run(stop.Token);

            void Shutdown(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }
        });
        return command;
    }
}
