using LastKnownGood.Internal;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// <c>lkg-host umhost</c>: runs one verified driver package in this process. It connects to the
/// driver's socket, loads the driver into its own load context, calls DriverEntry and reports
/// its status, then serves the driver until the kernel says stop. Every call into driver code
/// is behind <see cref="Boundary"/>: an exception that escapes ends the host (a host crash,
/// exit code <see cref="Crashed"/>), never anything else.
/// </summary>
public sealed class UserModeHost
{
    /// <summary>The role word of <c>lkg-host</c> that runs one user-mode driver.</summary>
    public const string Role = "umhost";

    /// <summary>The host's exit code when driver code failed it: an escaped exception, a refused bug check, a broken protocol.</summary>
    public const int Crashed = 70;

    private readonly string _driver;
    private readonly ManualResetEventSlim _stop = new();

    private UserModeHost(string driver) => _driver = driver;

    /// <summary>Runs the driver; returns the host's exit code (0 once unloaded at the kernel's request).</summary>
    public static int Run(string driver, string package, string assemblyFile, string typeName, string socket)
    {
        var host = new UserModeHost(driver);
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Console.Error.WriteLine($"{(e.ExceptionObject as Exception)?.GetType().Name} escaped {driver} on a thread of its own; its host ends: {e.ExceptionObject}");
        UnixConnection connection;
        try
        {
            connection = UnixConnection.Connect(socket);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"{driver}'s host cannot reach the kernel: {e.Message}");
            return Crashed;
        }

        RemoteDriverContext? context = null;
        var kernel = new KernelConnection(new FrameChannel(connection), e => context?.Deliver(e), host._stop.Set, host.End);
        context = new RemoteDriverContext(driver, kernel, host);
        kernel.Start();
        var instance = host.Guard(() => DriverLoadContext.TryCreate(driver, package, assemblyFile, typeName, out var reason)
            ?? throw new InvalidOperationException(reason));
        var status = host.Boundary(CallSite.DriverEntry, () => instance.DriverEntry(context));
        kernel.Send(new FrameWriter(FrameType.Started).U32(status.Value));
        if (!status.IsSuccess)
        {
            return 0;
        }

        host._stop.Wait();
        host.Boundary(CallSite.Unload, () =>
        {
            instance.Unload();
            return NtStatus.Success;
        });
        return 0;
    }

    /// <summary>The one way into driver code in a host.</summary>
    internal NtStatus Boundary(CallSite site, Func<NtStatus> call)
    {
        try
        {
            return call();
        }
        catch (Exception e)
        {
            End($"{e.GetType().Name} escaped {_driver} in {site}: {e.Message}{Environment.NewLine}{e.StackTrace}");
            throw;
        }
    }

    /// <summary>A host service that finds its own pool damaged ends the host, as the kernel's would stop the machine: the driver never sees it.</summary>
    internal T Guard<T>(Func<T> service)
    {
        try
        {
            return service();
        }
        catch (Exception e) when (e is BugCheckException or InvalidOperationException)
        {
            End($"{_driver}'s host cannot go on: {e.Message}");
            throw;
        }
    }

    /// <summary>Ends the host at once, after one sentence on standard error (the kernel's event log): no more driver code runs.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal void End(string why)
    {
        Console.Error.WriteLine(why);
        Console.Error.Flush();
        Libc.Exit(Crashed);
        throw new InvalidOperationException("_exit returned");
    }
}
