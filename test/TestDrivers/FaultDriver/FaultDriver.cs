using LastKnownGood;

namespace FaultDriver;

/// <summary>
/// Does what <c>Parameters\Fault</c> says, so each test can make a real driver fail in one way:
/// <c>none</c>, <c>fail</c> (DriverEntry returns an error), <c>throw</c>, <c>index</c> (reads past
/// an array), <c>throw-work-item</c>, <c>hang</c>, <c>starve-pool</c>, <c>bugcheck</c>, <c>patch-kernel</c>; exceptions
/// that escape code the driver runs outside the SDK (<c>throw-thread</c>, <c>throw-thread-pool</c>, <c>throw-task</c>,
/// <c>throw-timer</c>); <c>spin</c> (<see cref="Spinner"/>); and <c>report-boot-ok</c>, which is no fault: it reports
/// the boot good from a timer after the boot.
/// </summary>
public sealed class FaultDriver : IDriver
{
    private IDriverContext? _context;
    private IDisposable? _timer;

    public NtStatus DriverEntry(IDriverContext context)
    {
        _context = context;
        var fault = context.QueryParameter("Fault", out var value).IsSuccess ? (string)value! : "none";
        context.Log($"DriverEntry with fault {fault}");
        switch (fault)
        {
            case "fail":
                return NtStatus.Unsuccessful;
            case "throw":
                throw new InvalidOperationException("FaultDriver threw from DriverEntry");
            case "index":
                var inputs = new int[20];
                return inputs[20] == 0 ? NtStatus.Success : NtStatus.Unsuccessful;
            case "throw-work-item":
                context.QueueWorkItem(() => throw new InvalidOperationException("FaultDriver threw from a work item"));
                return NtStatus.Success;
            case "hang":
                // Blocks forever, as a driver waiting on an event nobody will set.
                new ManualResetEventSlim().Wait();
                return NtStatus.Success;
            case "starve-pool":
                // Work items that never return on every worker thread the pool may have: a driver
                // hogging the system's worker threads, which must not silence the watchdog.
                ThreadPool.GetMinThreads(out var workers, out var completionPorts);
                ThreadPool.SetMaxThreads(workers, completionPorts);
                for (var i = 0; i <= workers; i++)
                {
                    context.QueueWorkItem(() => new ManualResetEventSlim().Wait());
                }

                return NtStatus.Success;
            case "bugcheck":
                context.BugCheck(BugCheckCode.ManuallyInitiatedCrash, 1, 2, 3, 4);
                return NtStatus.Success;
            case "patch-kernel":
                // After the boot, when the kernel has sealed its structures and listed this driver.
                return context.SetTimer(TimeSpan.FromMilliseconds(300), TimeSpan.Zero, PatchKernel, out _timer);
            case "throw-thread":
                new Thread(() => throw new InvalidOperationException("FaultDriver threw on its own thread")).Start();
                return NtStatus.Success;
            case "throw-thread-pool":
                ThreadPool.QueueUserWorkItem(_ => throw new InvalidOperationException("FaultDriver threw in its own thread-pool work"));
                return NtStatus.Success;
            case "throw-task":
                // Started and never awaited: the exception is only seen when the task is collected.
                _ = Task.Run(() => throw new InvalidOperationException("FaultDriver threw in a task nobody awaits"));
                return NtStatus.Success;
            case "throw-timer":
                _timer = new Timer(_ => throw new InvalidOperationException("FaultDriver threw in its own timer"), null, 100, Timeout.Infinite);
                return NtStatus.Success;
            case "spin":
                var counter = context.QueryParameter("CounterFile", out var path).IsSuccess ? (string)path! : throw new InvalidOperationException("spin needs Parameters\\CounterFile");
                return context.SetTimer(TimeSpan.Zero, TimeSpan.Zero, () => Spinner.Run(context, counter), out _timer);
            case "report-boot-ok":
                return context.SetTimer(TimeSpan.FromMilliseconds(300), TimeSpan.Zero, () => context.Log($"ReportBootOk: {context.ReportBootOk()}"), out _timer);
            default:
                return NtStatus.Success;
        }
    }

    public void Unload()
    {
        _timer?.Dispose();
        _context?.Log("Unload");
    }

    /// <summary>Kernel-mode code can reach any kernel structure; this one edits the loaded-driver list with reflection.</summary>
    private void PatchKernel()
    {
        var kernelField = _context!.GetType().GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
            .First(f => f.FieldType.Name == "Kernel");
        var kernel = kernelField.GetValue(_context)!;
        var drivers = kernel.GetType().GetField("_drivers", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var list = (System.Collections.IList)drivers.GetValue(kernel)!;
        list.RemoveAt(0);
    }
}
