using LastKnownGood;

namespace Hello;

/// <summary>
/// The smallest driver: it greets with <c>Parameters\Greeting</c>, reports every IPC event it
/// sees, and keeps the greeting in a pool block that it frees and allocates again every 100 ms,
/// as a busy driver does.
/// </summary>
public sealed class HelloDriver : IDriver
{
    private static readonly uint Tag = (uint)('H' | ('e' << 8) | ('l' << 16) | ('o' << 24));

    private readonly Lock _gate = new();
    private IDriverContext? _context;
    private PoolBlock? _greeting;
    private IDisposable? _timer;

    public NtStatus DriverEntry(IDriverContext context)
    {
        _context = context;
        var greeting = context.QueryParameter("Greeting", out var value).IsSuccess ? (string)value! : "Hello";
        context.Log(greeting);
        var status = context.AllocatePool(64, Tag, out _greeting);
        if (!status.IsSuccess)
        {
            return status;
        }

        status = context.SetTimer(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), Refresh, out _timer);
        return status.IsSuccess ? context.Subscribe("ipc", e => context.Log($"saw an IPC event with {e.Fields.Count} fields")) : status;
    }

    public void Unload()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            _context!.FreePool(_greeting!, Tag);
        }

        _context?.Log("Goodbye");
    }

    private void Refresh()
    {
        lock (_gate)
        {
            _context!.FreePool(_greeting!, Tag);
            _context.AllocatePool(64, Tag, out _greeting);
        }
    }
}
