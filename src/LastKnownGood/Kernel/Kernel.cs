using LastKnownGood.Boot;
using LastKnownGood.Kernel.Pool;
using LastKnownGood.Kernel.UserMode;
using LastKnownGood.Machines;
using LastKnownGood.Registry;

namespace LastKnownGood.Kernel;

/// <summary>
/// One boot (DESIGN §3): the shared, trusted process in which kernel-mode drivers run. It loads
/// them in Windows' order, calls them only through a boundary that turns any escaped exception
/// into a bug check, watches every call with a watchdog, and ends with exit code 66 on a bug
/// check, after writing the crash record. Use <see cref="Run"/> once per process.
/// </summary>
public sealed partial class Kernel : IDisposable, IHostServices
{
    private readonly MachineDirectory _machine;
    private readonly KernelOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _hiveGate = new();
    private readonly List<LoadedDriver> _drivers = [];
    private Hive? _hive;
    private int _controlSet;

    public Kernel(MachineDirectory machine, KernelOptions options, TimeProvider time)
    {
        _machine = machine;
        _options = options;
        _time = time;
        Events = new EventLog(time, options.Boot);
        Pool = new KernelPool();
    }

    public EventLog Events { get; }

    internal TimeProvider Time => _time;

    internal KernelPool Pool { get; }

    /// <summary>Boots, prints <c>ready</c> on standard output, runs until <paramref name="stop"/> or <see cref="RequestReboot"/>, then stops every component in reverse order.</summary>
    /// <returns>A <see cref="KernelExitCodes"/> value; a bug check never returns.</returns>
    /// <remarks>
    /// An exception that escapes the kernel's own code (driver code is behind <see cref="Call"/>)
    /// is a bug check naming the kernel: 0x74 when the hive failed it, 0x1E otherwise.
    /// </remarks>
    public int Run(CancellationToken stop)
    {
        WatchForUnhandledExceptions();
        AttachToBootManager();
        try
        {
            var outcome = Boot();
            if (outcome != KernelExitCodes.Shutdown)
            {
                // A reboot: as the boot manager's group kill would, and without one, the services go with this boot.
                KillStrays();
                return outcome;
            }

            MarkReady();
            StartLiveChanges();
            Console.Out.WriteLine("ready");
            Console.Out.Flush();
            WaitHandle.WaitAny([stop.WaitHandle, _rebootRequested.WaitHandle]);
            StopLiveChanges();
            CloseKernelSocket();
            CloseControlSocket();
            StopComponents();
            return _rebootRequested.IsSet ? KernelExitCodes.Reboot : KernelExitCodes.Shutdown;
        }
        catch (Exception e)
        {
            throw Unhandled(e, e is LkgException ? BugCheckCode.BadSystemConfigInfo : BugCheckCode.KmodeExceptionNotHandled, null,
                $"The kernel's own code failed: {e.GetType().Name}: {e.Message}");
        }
    }

    public void Dispose()
    {
        StopWatchdog();
        StopLiveChanges();
        Events.Dispose();
        _kernelSocket?.Dispose();
        _controlSocket?.Dispose();
        // Under the gate: a driver thread still calling in must find the hive gone, not closing.
        lock (_hiveGate)
        {
            _hive?.Dispose();
            _hive = null;
        }

        Pool.Dispose();
    }

    /// <summary>Reads the hive under the kernel's lock: drivers call in from many threads, the hive is single-threaded.</summary>
    internal T WithHive<T>(Func<Hive, int, T> read)
    {
        lock (_hiveGate)
        {
            return read(_hive ?? throw new ObjectDisposedException(nameof(Kernel), "The kernel has shut down; its hive is closed."), _controlSet);
        }
    }

    T IHostServices.WithHive<T>(Func<Hive, int, T> read) => WithHive(read);

    Services.ContentStore IHostServices.Content => Content!;

    void IHostServices.Log(string source, string message) => Events.Write(source, message);

    NtStatus IHostServices.ReportBootOk(string component) => ReportBootOk(component);

    /// <summary>Unloads one driver; the pool must hold none of its blocks afterwards when pool tracking is on.</summary>
    internal void Unload(LoadedDriver driver)
    {
        var timersLeft = 0;
        Call(driver, CallSite.Unload, () =>
        {
            driver.Instance.Unload();
            timersLeft = driver.DisposeTimers();
            CheckPoolAtUnload(driver);
            return NtStatus.Success;
        });
        if (timersLeft > 0)
        {
            Events.Write("kernel", $"{driver.Name} left {timersLeft} timer(s) set at its unload; the kernel cancelled them. Dispose a driver's timers in its Unload.", EventLevel.Warning);
        }

        Events.Write("kernel", $"unloaded {driver.Name}");
    }
}
