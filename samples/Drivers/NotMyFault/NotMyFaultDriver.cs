using LastKnownGood;

namespace NotMyFault;

/// <summary>
/// Sysinternals' NotMyFault as a driver: <c>Parameters\Fault</c> chooses how it breaks the
/// kernel, <c>Parameters\DelayMs</c> (default 300) when. Each fault is the kind a real driver
/// makes, so the kernel's checks, and the blame they assign, can be watched.
/// </summary>
public sealed class NotMyFaultDriver : IDriver
{
    private static readonly uint Tag = (uint)('N' | ('M' << 8) | ('F' << 16) | ('t' << 24));

    private IDriverContext? _context;
    private PoolBlock? _buffer;
    private IDisposable? _timer;

    public NtStatus DriverEntry(IDriverContext context)
    {
        _context = context;
        var fault = context.QueryParameter("Fault", out var value).IsSuccess ? (string)value! : "none";
        var delay = TimeSpan.FromMilliseconds(context.QueryParameter("DelayMs", out var ms).IsSuccess ? (uint)ms! : 300);
        var status = context.AllocatePool(64, Tag, out _buffer);
        if (!status.IsSuccess)
        {
            return status;
        }

        context.Log($"armed: {fault} in {delay.TotalMilliseconds} ms");
        Action? action = fault switch
        {
            "overflow" => Overflow,
            "double-free" => DoubleFree,
            "bad-read" => BadRead,
            "hang" => () => Thread.Sleep(Timeout.Infinite),
            "deadlock" => Deadlock,
            "leak" => Leak,
            "stack-overflow" => () => Recurse(0),
            _ => null,
        };
        return action is null ? NtStatus.Success : context.SetTimer(delay, TimeSpan.Zero, action, out _timer);
    }

    public void Unload()
    {
        _timer?.Dispose();
        if (_buffer is not null)
        {
            _context!.FreePool(_buffer, Tag);
        }
    }

    /// <summary>Writes 96 bytes into its 64-byte block: the next block's header is overwritten, and nobody notices yet.</summary>
    private void Overflow()
    {
        Span<byte> data = stackalloc byte[96];
        data.Fill(0x41);
        _buffer!.Write(0, data);
        _context!.Log("wrote 96 bytes into a 64-byte buffer");
    }

    private void DoubleFree()
    {
        _context!.FreePool(_buffer!, Tag);
        _context.FreePool(_buffer!, Tag);
    }

    /// <summary>Reads far beyond the block, past the end of the pool: a bad pointer.</summary>
    private void BadRead()
    {
        Span<byte> one = stackalloc byte[1];
        _buffer!.Read(int.MaxValue - 1, one);
    }

    /// <summary>Two work items take two locks in opposite orders.</summary>
    private void Deadlock()
    {
        _context!.CreateLock("NotMyFault.A", out var a);
        _context.CreateLock("NotMyFault.B", out var b);
        using var bothHoldOne = new Barrier(2);
        _context.QueueWorkItem(() => TakeInOrder(a!, b!, bothHoldOne));
        TakeInOrder(b!, a!, bothHoldOne);
    }

    private static void TakeInOrder(IKernelLock first, IKernelLock second, Barrier bothHoldOne)
    {
        first.Acquire();
        bothHoldOne.SignalAndWait();
        second.Acquire();
    }

    private void Leak()
    {
        _context!.AllocatePool(4096, Tag, out _);
        _context.Log("allocated 4096 bytes it will never free");
    }

    private static int Recurse(int depth)
    {
        Span<byte> frame = stackalloc byte[1024];
        frame[0] = (byte)depth;
        return Recurse(depth + 1) + frame[0];
    }
}
