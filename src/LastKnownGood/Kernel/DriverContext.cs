using LastKnownGood.Registry;

namespace LastKnownGood.Kernel;

/// <summary>
/// What one kernel-mode driver sees of the kernel (<see cref="IDriverContext"/>). Every call
/// passes the kernel's gate on the way in and on the way out, so once a bug check has begun no
/// call of any driver completes; every call returns a status; kernel-detected corruption in a
/// call becomes a bug check naming this driver.
/// </summary>
internal sealed class DriverContext(Kernel kernel, LoadedDriver driver) : IDriverContext
{
    private readonly KeyPath _key = KeyPath.Parse("Services").Child(driver.Name);

    public string DriverName => driver.Name;

    public IReadOnlyList<string> ContentNames => Gated(() =>
        HiveCall.Try(() => kernel.WithHive((hive, set) => kernel.Content!.Names(hive, set, driver.Name)), out var names).IsSuccess ? names! : []);

    public NtStatus QueryParameter(string name, out object? value)
    {
        kernel.Gate();
        var status = HiveCall.Try(() => kernel.WithHive((hive, set) => hive.OpenKey(set, _key.Child("Parameters")) is { } key && key.TryGetValue(name, out var found)
            ? ParameterValue.ToObject(found)
            : null), out value);
        kernel.Gate();
        return status.IsSuccess && value is null ? NtStatus.ObjectNameNotFound : status;
    }

    /// <summary>Reads the whole file under the hive's lock: drivers read content from any thread.</summary>
    public NtStatus OpenContent(string name, out Stream? content)
    {
        kernel.Gate();
        var status = HiveCall.Try(() => kernel.WithHive((hive, set) =>
        {
            using var stream = kernel.Content!.Open(hive, set, driver.Name, name);
            if (stream is null)
            {
                return null;
            }

            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            return (Stream)copy;
        }), out content);
        kernel.Gate();
        return status.IsSuccess && content is null ? NtStatus.ObjectNameNotFound : status;
    }

    public NtStatus AllocatePool(int size, uint tag, out PoolBlock? block)
    {
        kernel.Gate();
        block = size > 0 ? KernelCall(() => kernel.Pool.Allocate(size, tag, driver.Id)) : null;
        kernel.Gate();
        return block is null ? (size > 0 ? NtStatus.InsufficientResources : NtStatus.InvalidParameter) : NtStatus.Success;
    }

    public NtStatus FreePool(PoolBlock block, uint tag) => Gated(() =>
    {
        KernelCall(() =>
        {
            kernel.Pool.Free(block, tag, driver.Id);
            return 0;
        });
        return NtStatus.Success;
    });

    public NtStatus QueueWorkItem(Action work) => Gated(() =>
        ThreadPool.UnsafeQueueUserWorkItem(_ => kernel.Call(driver, CallSite.WorkItem, () =>
        {
            work();
            return NtStatus.Success;
        }), null) ? NtStatus.Success : NtStatus.InsufficientResources);

    public NtStatus SetTimer(TimeSpan dueTime, TimeSpan period, Action callback, out IDisposable? timer)
    {
        kernel.Gate();
        timer = driver.Keep(new DriverTimer(dueTime, period, () => kernel.Call(driver, CallSite.WorkItem, () =>
        {
            callback();
            return NtStatus.Success;
        })));
        kernel.Gate();
        return NtStatus.Success;
    }

    public NtStatus CreateLock(string name, out IKernelLock? kernelLock)
    {
        kernel.Gate();
        kernelLock = driver.Verifier.HasFlag(Verifier.VerifierFlags.Deadlock)
            ? new KernelLock(name, driver.Name, kernel.LockOrder, KernelCall)
            : new KernelLock(name, driver.Name);
        kernel.Gate();
        return NtStatus.Success;
    }

    public void Log(string message) => Gated(() =>
    {
        kernel.Events.Write(driver.Name, message);
        return 0;
    });

    public NtStatus Subscribe(string eventType, Action<KernelEvent> handler) => Gated(() => kernel.Subscribe(driver, eventType, handler));

    public NtStatus ReportBootOk() => Gated(() => kernel.ReportBootOk(driver.Name));

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void BugCheck(BugCheckCode code, ulong parameter1 = 0, ulong parameter2 = 0, ulong parameter3 = 0, ulong parameter4 = 0) =>
        throw kernel.BugCheck(code, parameter1, parameter2, parameter3, parameter4, driver.Name, null, $"{driver.Name} called BugCheck.");

    private T Gated<T>(Func<T> call)
    {
        kernel.Gate();
        var result = call();
        kernel.Gate();
        return result;
    }

    /// <summary>A kernel service that finds corruption stops the machine here: the driver never sees the exception.</summary>
    private T KernelCall<T>(Func<T> service)
    {
        try
        {
            return service();
        }
        catch (BugCheckException e)
        {
            throw kernel.BugCheck(e.Code, e.Parameter1, e.Parameter2, e.Parameter3, e.Parameter4, driver.Name, e, e.Message);
        }
    }
}
