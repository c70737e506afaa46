using System.ComponentModel;
using System.Diagnostics;
using LastKnownGood.Internal;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>
/// One service's process: a child of the kernel and in its process group, so that a reboot's
/// group kill takes it. Its standard input reads end-of-file; every line it prints goes to the
/// event log with its name as the source. It is started once it sends <c>READY=1</c> from one
/// of its own processes (<c>Notify</c> = 1) or has stayed up through its start timeout.
/// </summary>
internal sealed class ServiceProcess : IStartedComponent
{
    /// <summary>The kernel's own crash-dump settings (<c>KernelDump.FatalErrorEnvironment</c>) and its supervisor's notify socket: not the service's.</summary>
    private static readonly string[] KernelOnlyVariables = ["DOTNET_DbgEnableMiniDump", "DOTNET_DbgMiniDumpType", "DOTNET_DbgMiniDumpName", "NOTIFY_SOCKET"];

    /// <summary>How long a stopped service's last output lines may take to reach the event log.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(1);

    private readonly Kernel _kernel;
    private readonly ServiceEntry _entry;
    private readonly ServiceProgram _program;
    private readonly TimeSpan _stopTimeout;
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _ignoredAssignments = [];
    private NotifySocket? _notify;
    private ServiceState _state;
    private volatile int _pid;

    private ServiceProcess(Kernel kernel, ServiceEntry entry, ServiceProgram program, TimeSpan stopTimeout)
    {
        _kernel = kernel;
        _entry = entry;
        _program = program;
        _stopTimeout = stopTimeout;
        _process = new Process { StartInfo = StartInfo(program), EnableRaisingEvents = true };
    }

    private enum ServiceState
    {
        Starting,
        Started,
        Stopping,
    }

    public string Name => _entry.Name;

    public int? ProcessId => _pid == 0 ? null : _pid;

    /// <summary>Starts the process and waits, at most its start timeout, until it is started or has failed.</summary>
    public static NtStatus TryStart(Kernel kernel, ServiceEntry entry, ServiceProgram program, string notifyPath, TimeSpan stopTimeout,
        out ServiceProcess? started, out string reason)
    {
        var service = new ServiceProcess(kernel, entry, program, stopTimeout);
        var status = service.Start(notifyPath, out reason);
        started = status.IsSuccess ? service : null;
        return status;
    }

    public void Stop()
    {
        lock (_gate)
        {
            _state = ServiceState.Stopping;
        }

        if (_pid != 0 && !_exited.Task.IsCompleted)
        {
            var descendants = ProcessTree.DescendantsOf(_pid);
            _ = Libc.Kill(_pid, Libc.SignalTerm);
            var stopped = _exited.Task.Wait(_stopTimeout);
            foreach (var pid in stopped ? descendants : [_pid, .. descendants])
            {
                _ = Libc.Kill(pid, Libc.SignalKill);
            }

            _exited.Task.Wait(_stopTimeout);
            _kernel.Events.Write("kernel", stopped ? $"stopped {Name}" : $"stopped {Name}: killed, since it was still running {_stopTimeout.TotalSeconds:0.#} s after SIGTERM");
        }

        _notify?.Dispose();
        // Disposed under its readers, the process's pipes would fail them: a task nobody awaits, which is a bug check.
        // Left open, the pipes end with whatever still holds them, which the kernel kills at its end.
        if (Task.WhenAll(_outputEnded.Task, _errorEnded.Task).Wait(OutputDrainTimeout))
        {
            _process.Dispose();
        }
    }

    private NtStatus Start(string notifyPath, out string reason)
    {
        try
        {
            if (_program.Notify)
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

        _process.Exited += (_, _) => OnExited();
        _process.OutputDataReceived += (_, e) => Forward(e.Data, _outputEnded);
        _process.ErrorDataReceived += (_, e) => Forward(e.Data, _errorEnded);
        try
        {
            _process.Start();
        }
        catch (Win32Exception e)
        {
            _notify?.Dispose();
            reason = $"{_program.ImagePath} cannot be run from {_program.WorkingDirectory}: {e.Message}";
            return NtStatus.ObjectNameNotFound;
        }

        _pid = _process.Id;
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var timeout = Task.Delay(_program.StartTimeout, _kernel.Time);
        Task.WhenAny(_program.Notify ? [_ready.Task, _exited.Task, timeout] : [_exited.Task, timeout]).Wait();
        var seconds = $"{_program.StartTimeout.TotalSeconds:0.#} s";
        lock (_gate)
        {
            reason = _exited.Task.IsCompleted ? $"it exited with code {_exited.Task.Result} before it was ready"
                : _program.Notify && !_ready.Task.IsCompleted ? $"it did not send READY=1 on its NOTIFY_SOCKET within its start timeout of {seconds}"
                : "";
            if (reason.Length == 0)
            {
                _state = ServiceState.Started;
            }
        }

        if (reason.Length > 0)
        {
            var status = _exited.Task.IsCompleted ? NtStatus.ProcessAborted : NtStatus.ServiceRequestTimeout;
            Stop();
            return status;
        }

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
            WorkingDirectory = program.WorkingDirectory,
        };
        foreach (var argument in program.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in KernelOnlyVariables)
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in program.Environment)
        {
            info.Environment[name] = value;
        }

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
            if (_state != ServiceState.Started || _kernel.Ending)
            {
                return;
            }
        }

        _kernel.Events.Write("kernel", $"{Name} (pid {_pid}) exited with code {code} after it started; it is not restarted, since FailureActions are not supported yet");
        if (_program.Critical)
        {
            throw _kernel.BugCheck(BugCheckCode.CriticalProcessDied, (ulong)_pid, 0, (ulong)(uint)code, 0, Name, null,
                $"{Name}, a Critical service, exited with code {code}");
        }
    }

    /// <summary>sd_notify(3) messages: newline-separated assignments, believed only from the service's own processes.</summary>
    private void OnNotify(string? message, int sender)
    {
        if (_pid == 0 || !ProcessTree.IsSelfOrDescendant(sender, _pid))
        {
            _kernel.Events.Write("kernel", $"{Name}: a notify message from pid {sender}, which is not one of its processes, is ignored");
            return;
        }

        if (message is null)
        {
            _kernel.Events.Write("kernel", $"{Name}: a notify message over {NotifySocket.MessageCapacity} bytes is ignored");
            return;
        }

        foreach (var line in message.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = line.IndexOf('=') is var equals and > 0 ? (line[..equals], line[(equals + 1)..]) : (line, "");
            switch (name)
            {
                case "READY" when value == "1":
                    _ready.TrySetResult();
                    break;
                case "STATUS":
                    _kernel.Events.Write(Name, $"status: {value}");
                    break;
                case "STOPPING" when value == "1":
                    _kernel.Events.Write("kernel", $"{Name} is stopping (STOPPING=1)");
                    break;
                default:
                    if (_ignoredAssignments.Add(name))
                    {
                        _kernel.Events.Write("kernel", $"{Name}: {Quote.Short(name)}= is not supported yet and is ignored");
                    }

                    break;
            }
        }
    }
}
