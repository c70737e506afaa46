using LastKnownGood.Kernel.Pool;
using LastKnownGood.Registry;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// What a user-mode driver sees of the kernel: the same <see cref="IDriverContext"/>, each call
/// a request to the kernel over its host's connection. The pool, work items, timers and locks
/// are the host's own (docs/user-mode-drivers.md): a user-mode driver shares memory with no one.
/// </summary>
internal sealed class RemoteDriverContext(string driver, KernelConnection kernel, UserModeHost host) : IDriverContext
{
    private const int HostPoolCapacity = 1024 * 1024;
    private const int PoolOwner = 1;
    private const int LogCapacity = Frame.MaxPayload / 4;

    private readonly string _parameters = $@"SYSTEM\CurrentControlSet\Services\{driver}\Parameters";
    private readonly Dictionary<string, List<Action<KernelEvent>>> _handlers = new(StringComparer.Ordinal);
    private readonly Lazy<KernelPool> _pool = new(() => new KernelPool(HostPoolCapacity));

    public string DriverName => driver;

    public IReadOnlyList<string> ContentNames
    {
        get
        {
            var (status, names) = Call(new FrameWriter(FrameType.ContentNames), (ref FrameReader r) => r.Strings());
            return status.IsSuccess ? names : [];
        }
    }

    public NtStatus QueryParameter(string name, out object? value)
    {
        var status = QueryValue(_parameters, name, out var found);
        value = found is null ? null : ParameterValue.ToObject(found);
        return status;
    }

    /// <summary>One value of a key, named by its full path; the kernel refuses any key outside the driver's own.</summary>
    internal NtStatus QueryValue(string path, string name, out RegistryValue? value)
    {
        var (status, (kind, data)) = Call(new FrameWriter(FrameType.QueryValue).String(path).String(name), (ref FrameReader r) => (r.U32(), r.Bytes()));
        value = status.IsSuccess && RegistryValue.TryDecode((RegistryValueKind)kind, data, out var decoded) ? decoded : null;
        return status;
    }

    /// <summary>A write the SDK does not offer: the kernel refuses it, outside the driver's key and inside.</summary>
    internal NtStatus SetValue(string path, string name, RegistryValue value) =>
        Call(new FrameWriter(FrameType.SetValue).String(path).String(name).U32((uint)value.Kind).Bytes(value.Data), (ref FrameReader _) => 0).Status;

    /// <summary>Reads the file in chunks of one frame each into memory.</summary>
    public NtStatus OpenContent(string name, out Stream? content)
    {
        content = null;
        var copy = new MemoryStream();
        while (true)
        {
            var (status, (length, chunk)) = Call(new FrameWriter(FrameType.ReadContent).String(name).U64((ulong)copy.Length), (ref FrameReader r) => (r.U64(), r.Bytes()));
            if (!status.IsSuccess)
            {
                return status;
            }

            copy.Write(chunk);
            if ((ulong)copy.Length >= length || chunk.Length == 0)
            {
                copy.Position = 0;
                content = copy;
                return NtStatus.Success;
            }
        }
    }

    public NtStatus AllocatePool(int size, uint tag, out PoolBlock? block)
    {
        block = size > 0 ? host.Guard(() => _pool.Value.Allocate(size, tag, PoolOwner)) : null;
        return block is null ? (size > 0 ? NtStatus.InsufficientResources : NtStatus.InvalidParameter) : NtStatus.Success;
    }

    public NtStatus FreePool(PoolBlock block, uint tag) => host.Guard(() =>
    {
        _pool.Value.Free(block, tag, PoolOwner);
        return NtStatus.Success;
    });

    public NtStatus QueueWorkItem(Action work) =>
        ThreadPool.UnsafeQueueUserWorkItem(_ => host.Boundary(CallSite.WorkItem, () =>
        {
            work();
            return NtStatus.Success;
        }), null) ? NtStatus.Success : NtStatus.InsufficientResources;

    public NtStatus SetTimer(TimeSpan dueTime, TimeSpan period, Action callback, out IDisposable? timer)
    {
        timer = new DriverTimer(dueTime, period, () => host.Boundary(CallSite.WorkItem, () =>
        {
            callback();
            return NtStatus.Success;
        }));
        return NtStatus.Success;
    }

    public NtStatus CreateLock(string name, out IKernelLock? kernelLock)
    {
        kernelLock = new KernelLock(name, driver);
        return NtStatus.Success;
    }

    public void Log(string message) =>
        Call(new FrameWriter(FrameType.Log).String(message.Length > LogCapacity ? message[..LogCapacity] : message), (ref FrameReader _) => 0);

    public NtStatus Subscribe(string eventType, Action<KernelEvent> handler)
    {
        lock (_handlers)
        {
            if (_handlers.TryGetValue(eventType, out var list))
            {
                list.Add(handler);
                return NtStatus.Success;
            }
        }

        var status = Call(new FrameWriter(FrameType.Subscribe).String(eventType), (ref FrameReader _) => 0).Status;
        if (status.IsSuccess)
        {
            lock (_handlers)
            {
                _handlers.TryAdd(eventType, []);
                _handlers[eventType].Add(handler);
            }
        }

        return status;
    }

    /// <summary>Runs the handlers of one kernel event, each behind the host's boundary.</summary>
    internal void Deliver(KernelEvent kernelEvent)
    {
        Action<KernelEvent>[] handlers;
        lock (_handlers)
        {
            handlers = _handlers.TryGetValue(kernelEvent.Type, out var list) ? [.. list] : [];
        }

        foreach (var handler in handlers)
        {
            host.Boundary(CallSite.EventHandler, () =>
            {
                handler(kernelEvent);
                return NtStatus.Success;
            });
        }
    }

    public NtStatus ReportBootOk() => Call(new FrameWriter(FrameType.ReportBootOk), (ref FrameReader _) => 0).Status;

    /// <summary>The kernel refuses it (<see cref="NtStatus.PrivilegeNotHeld"/>); the call does not return, so the host ends instead of the machine.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void BugCheck(BugCheckCode code, ulong parameter1 = 0, ulong parameter2 = 0, ulong parameter3 = 0, ulong parameter4 = 0)
    {
        var status = Call(new FrameWriter(FrameType.BugCheck).U32((uint)code).U64(parameter1).U64(parameter2).U64(parameter3).U64(parameter4), (ref FrameReader _) => 0).Status;
        host.End($"{driver} called BugCheck(0x{(uint)code:X}); the kernel refused it with {status}, since a user-mode driver may not stop the machine, so its host ends instead");
    }

    private (NtStatus Status, T Data) Call<T>(FrameWriter request, ReplyReader<T> read)
    {
        var reply = kernel.Call(request);
        try
        {
            if (reply.Type != FrameType.Reply)
            {
                throw new ProtocolViolationException($"the kernel answered a {request.Type} with a {reply.Type} frame");
            }

            var reader = new FrameReader(reply);
            var status = new NtStatus(reader.U32());
            var data = status.IsSuccess ? read(ref reader) : default!;
            reader.End();
            return (status, data);
        }
        catch (ProtocolViolationException e)
        {
            host.End($"protocol violation: {e.Message}");
            throw;
        }
    }
}
