using LastKnownGood;

namespace LkgDriver;

/// <summary>
/// A driver, as the kernel loads it: <see cref="DriverEntry"/> once per boot, <see cref="Unload"/>
/// at shutdown. Every call to the kernel returns a status; an exception that escapes a method or a
/// callback is a bug check in kernel mode, so return a failure status instead.
/// </summary>
public sealed class Driver : IDriver
{
    private IDriverContext? _context;

    public NtStatus DriverEntry(IDriverContext context)
    {
        _context = context;
        // Services\<name>\Parameters\Greeting, set with lkg reg set.
        var greeting = context.QueryParameter("Greeting", out var value).IsSuccess && value is string text ? text : "ready";
        context.Log(greeting);
        var status = ReadContent(context.ContentNames);
        // Content pushed while the machine runs (lkg content push) arrives as a "content" event.
        return status.IsSuccess ? context.Subscribe("content", e => ReadContent(e.Fields)) : status;
    }

    public void Unload() => _context?.Log("unloading");

    /// <summary>Reads each named content file (Services\&lt;name&gt;\Content, kept in the control set).</summary>
    private NtStatus ReadContent(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var status = _context!.OpenContent(name, out var content);
            if (!status.IsSuccess)
            {
                _context.Log($"content {name} cannot be opened: {status}");
                return status;
            }

            using (content)
            {
                _context.Log($"content {name}: {content!.Length} bytes");
            }
        }

        return NtStatus.Success;
    }
}
