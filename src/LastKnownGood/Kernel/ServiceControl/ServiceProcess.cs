using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LastKnownGood.Internal;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// One process of a service: a child of the kernel and in its process group, so that a reboot's
/// group kill takes it. Its standard input reads end-of-file; every line it prints goes to the
/// event log with its name as the source. It is started once it sends <c>READY=1</c> from one
/// of its own processes (<c>Notify</c> = 1) or has stayed up through its start timeout. Its
/// death after that is <see cref="Died"/>, for its <see cref="ServiceSupervisor"/>.
/// </summary>
internal sealed partial class ServiceProcess
{
    private readonly Kernel _kernel;
    private readonly ServiceEntry _entry;
    private readonly ServiceProgram _program;
    private readonly TimeSpan _stopTimeout;
    private readonly Process _process;
    private readonly ServiceWatchdog _watchdog;
    private readonly Lock _gate = new();
    /// <summary>Its process id once <see cref="Process.Start()"/> returned (0 if it did not run): a program that notifies at once may be faster than that.</summary>
    private readonly TaskCompletionSource<int> _launched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>READY=1 believed. Its one continuation is the start's wait, woken from the notify thread directly, without a hop through the thread pool.</summary>
    private readonly TaskCompletionSource _ready = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _died = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NotifySocket? _notify;
    private ServiceState _state;
    private volatile ExtendableDeadline? _deadline;
    private volatile int _pid;

    private ServiceProcess(Kernel kernel, ServiceEntry entry, ServiceProgram program, TimeSpan stopTimeout)
    {
        _kernel = kernel;
        _entry = entry;
        _program = program;
        _stopTimeout = stopTimeout;
        _process = new Process { StartInfo = StartInfo(program), EnableRaisingEvents = true };
        _watchdog = new ServiceWatchdog(kernel.Time, program.WatchdogTimeout, Abort);
    }

    private enum ServiceState
    {
        Starting,
        Started,
        Stopping,
    }

    public string Name => _entry.Name;

    /// <summary>Its process id; 0 before it was started.</summary>
    public int ProcessId => _pid;

    /// <summary>Its exit code, once it has exited after it started; never completes when it was stopped or the boot was ending.</summary>
    public Task<int> Died => _died.Task;

    /// <summary>
    /// Starts the process and waits, at most its start timeout (as <c>EXTEND_TIMEOUT_USEC=</c>
    /// extends it), until it is started or has failed. <paramref name="cancel"/> ends the wait
    /// as a failure: the boot is ending.
    /// </summary>
    public static NtStatus TryStart(Kernel kernel, ServiceEntry entry, ServiceProgram program, string notifyPath, TimeSpan stopTimeout,
        CancellationToken cancel, out ServiceProcess? started, out string reason)
    {
        var service = new ServiceProcess(kernel, entry, program, stopTimeout);
        var status = service.Start(notifyPath, cancel, out reason);
        started = status.IsSuccess ? service : null;
        return status;
    }

    private NtStatus Start(string notifyPath, CancellationToken cancel, out string reason)
    {
        try
        {
            // The watchdog's pings come over the notify socket too, with or without Notify's readiness.
            if (_program.Notify || _program.WatchdogTimeout is not null)
            {
                _notify = NotifySocket.Open(notifyPath, OnNotify);
                _process.StartInfo.Environment["NOTIFY_SOCKET"] = notifyPath;
            }
        }
        catch (IOException e)
        {
            reason = e.Message;
            return NtStatus.InsufficientResources;
        }

        if (_program.WatchdogTimeout is { } watchdog)
        {
            _process.StartInfo.Environment["WATCHDOG_USEC"] = ((long)watchdog.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        }

        _process.Exited += (_, _) => OnExited();
        _process.OutputDataReceived += (_, e) => Forward(e.Data, _outputEnded);
        _process.ErrorDataReceived += (_, e) => Forward(e.Data, _errorEnded);
        // Set before the process runs: its EXTEND_TIMEOUT_USEC= may come at once.
        var deadline = _deadline = new ExtendableDeadline(_kernel.Time, _program.StartTimeout);
        try
        {
            _process.Start();
        }
        catch (Win32Exception e)
        {
            _launched.TrySetResult(0);
            _notify?.Dispose();
            _watchdog.Dispose();
            reason = $"{_program.ImagePath} cannot be run from {_program.WorkingDirectory}: {e.Message}";
            return NtStatus.ObjectNameNotFound;
        }

        _pid = _process.Id;
        _launched.TrySetResult(_pid);
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var ending = Task.Delay(Timeout.Infinite, cancel);
        deadline.Wait(_program.Notify ? [_ready.Task, _exited.Task, ending] : [_exited.Task, ending]);
        var seconds = $"{_program.StartTimeout.TotalSeconds:0.#} s";
        lock (_gate)
        {
            reason = _exited.Task.IsCompleted ? $"it exited with code {_exited.Task.Result} before it was ready"
                : ending.IsCompleted ? "the boot is ending"
                : _program.Notify && !_ready.Task.IsCompleted ? $"it did not send READY=1 on its NOTIFY_SOCKET within its start timeout of {seconds}"
                : "";
            if (reason.Length == 0)
            {
                _state = ServiceState.Started;
                _deadline = null;
            }
        }

        if (reason.Length > 0)
        {
            var status = _exited.Task.IsCompleted ? NtStatus.ProcessAborted : NtStatus.ServiceRequestTimeout;
            Stop();
            return status;
        }

        _watchdog.Arm();
        _kernel.Events.Write("kernel", $"started {Name} (pid {_pid}){(_program.Notify ? ": READY=1" : $": up for {seconds}")}");
        reason = "";
        return NtStatus.Success;
    }

    private static ProcessStartInfo StartInfo(ServiceProgram program)
    {
        var info = new ProcessStartInfo(program.ImagePath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in program.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        ServiceEnvironment.Apply(info, program);
        return info;
    }

    private void Forward(string? line, TaskCompletionSource ended)
    {
        if (line is null)
        {
            ended.TrySetResult();
            return;
        }

        _kernel.Events.Write(Name, line);
    }

    private void OnExited()
    {
        var code = _process.ExitCode;
        lock (_gate)
        {
            _exited.TrySetResult(code);
            if (_state == ServiceState.Started && !_kernel.Ending)
            {
                _died.TrySetResult(code);
            }
        }

        _watchdog.Dispose();
    }
}
