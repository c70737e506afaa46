using System.ComponentModel;
using System.Diagnostics;
using LastKnownGood.Boot;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// One run of <c>lkg-host umhost</c> for a driver: a child of the kernel in its process group,
/// so a reboot's group kill takes it. Every line it prints goes to the event log under the
/// driver's name. Its connection, once the kernel has accepted it, is its <see cref="HostSession"/>.
/// </summary>
internal sealed class HostProcess
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HostSession? _session;

    private HostProcess(Process process) => _process = process;

    public int Pid { get; private set; }

    /// <summary>DriverEntry's status, once the host has sent it.</summary>
    public TaskCompletionSource<NtStatus> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The exit code (128 + the signal for a signal), once the process has ended.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Why the kernel ended the host (a protocol violation, a closed connection); null while it has not.</summary>
    public string? Violation { get; set; }

    public HostSession? Session => Volatile.Read(ref _session);

    /// <summary>Starts the host for one verified package; null and a sentence when the program cannot be run.</summary>
    public static HostProcess? TryStart(IHostServices kernel, KernelCommandLine program, string driver, IReadOnlyList<string> arguments, out string reason)
    {
        var info = new ProcessStartInfo(program.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (IEnumerable<string>)[.. program.Arguments, UserModeHost.Role, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("NOTIFY_SOCKET");
        var host = new HostProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        host._process.Exited += (_, _) => host._exited.TrySetResult(host._process.ExitCode);
        host._process.OutputDataReceived += (_, e) => Forward(kernel, driver, e.Data);
        host._process.ErrorDataReceived += (_, e) => Forward(kernel, driver, e.Data);
        try
        {
            host._process.Start();
        }
        catch (Win32Exception e)
        {
            reason = $"the user-mode driver host {program.FileName} cannot be run: {e.Message}";
            return null;
        }

        host.Pid = host._process.Id;
        host._process.StandardInput.Close();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        reason = "";
        return host;
    }

    /// <summary>Takes the host's connection; false when it already has one.</summary>
    public bool TryAttach(HostSession session) => Interlocked.CompareExchange(ref _session, session, null) is null;

    /// <summary>Once the host has exited, waits until every line it printed has been handed on.</summary>
    public void DrainOutput()
    {
        if (_exited.Task.IsCompleted)
        {
            _process.WaitForExit();
        }
    }

    /// <summary>SIGKILL: the host has broken the protocol or is past its stop timeout.</summary>
    public void Kill()
    {
        if (!_exited.Task.IsCompleted)
        {
            _ = Internal.Libc.Kill(Pid, Internal.Libc.SignalKill);
        }
    }

    /// <summary>lkg-host, the program this kernel runs in: the same executable, or <c>dotnet lkg-host.dll</c>.</summary>
    public static KernelCommandLine ProgramOfThisKernel()
    {
        var path = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? new(path, [Path.Combine(AppContext.BaseDirectory, "lkg-host.dll")])
            : new(path, []);
    }

    private static void Forward(IHostServices kernel, string driver, string? line)
    {
        if (line is not null)
        {
            kernel.Log(driver, line);
        }
    }
}
