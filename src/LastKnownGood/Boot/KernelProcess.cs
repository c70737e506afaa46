using System.Diagnostics;
using System.IO.Pipes;
using LastKnownGood.Diagnostics;
using LastKnownGood.Internal;
using LastKnownGood.Machines;

namespace LastKnownGood.Boot;

/// <summary>
/// One boot's kernel as the boot manager sees it: a child process that leads its own process
/// group, whose standard input is held open as its lifeline and whose standard error's first
/// and last lines are kept for a crash record. The boot manager never loads or calls kernel code.
/// </summary>
internal sealed class KernelProcess : IDisposable
{
    private const int HeadLines = 10;
    private const int TailLines = 40;

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _standardErrorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _head = [];
    private readonly Queue<string> _tail = new();
    private int _skipped;

    private readonly AnonymousPipeServerStream _crashPipe;

    private KernelProcess(Process process, AnonymousPipeServerStream crashPipe)
    {
        _process = process;
        _crashPipe = crashPipe;
    }

    public int Id => _process.Id;

    /// <summary>
    /// The crash record the kernel hands over when it bug checks (<see cref="CrashHandoff"/>); by
    /// then the kernel has stopped its process group. Null when the kernel ends without one.
    /// </summary>
    public Task<CrashRecord?> CrashHandedOver { get; private set; } = Task.FromResult<CrashRecord?>(null);

    /// <summary>Completes with the exit code (128 + signal for a signal) as soon as the kernel is gone.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>
    /// What the kernel wrote to standard error: the first lines (where the runtime names a fatal
    /// error) and the last (where its stack ends), once <see cref="WaitForStandardErrorAsync"/> has
    /// read it to the end.
    /// </summary>
    public string StandardError
    {
        get
        {
            lock (_tail)
            {
                var gap = _skipped > 0 ? [$"... {_skipped} lines ..."] : Array.Empty<string>();
                return string.Join('\n', _head.Concat(gap).Concat(_tail));
            }
        }
    }

    /// <summary>
    /// Waits until standard error reaches its end: the exit event comes before the pipe's last lines
    /// are read. Bounded, since a stray that escaped the group sweep could hold the pipe open.
    /// </summary>
    public Task WaitForStandardErrorAsync(TimeSpan timeout) => Task.WhenAny(_standardErrorClosed.Task, Task.Delay(timeout));

    public static KernelProcess Start(KernelCommandLine command, MachineDirectory machine, BootRecord boot, DumpType dumpType)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var crashPipe = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
        foreach (var argument in command.Arguments.Concat(
            ["kernel", "--machine", machine.Root, "--boot", $"{boot.Number}", "--control-set", $"{boot.ControlSet}", "--mode", BootNames.Name(boot.Mode),
                CrashHandoff.Option, crashPipe.GetClientHandleAsString()]))
        {
            info.ArgumentList.Add(argument);
        }

        // The boot manager's supervisor is the boot manager's: a kernel that inherited them could speak for it.
        // Looked up first: touching info.Environment copies the whole environment, which a boot without a supervisor need not pay.
        foreach (var name in SupervisorNotify.Variables.Where(n => Environment.GetEnvironmentVariable(n) is not null))
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in KernelDump.FatalErrorEnvironment(machine, boot.Number, dumpType))
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var kernel = new KernelProcess(process, crashPipe);
        // Exited fires when the process ends, without waiting for its pipes, which a stray child may hold open.
        process.Exited += (_, _) => kernel._exited.TrySetResult(process.ExitCode);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => kernel.KeepTail(e.Data);
        try
        {
            process.Start();
        }
        finally
        {
            // The kernel holds the write end now; the pipe ends when it does.
            crashPipe.DisposeLocalCopyOfClientHandle();
        }

        kernel.CrashHandedOver = CrashHandoff.ReadAsync(crashPipe);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return kernel;
    }

    /// <summary>Stops every process of the boot where it is (SIGSTOP to the group): a bug check's second line of defence.</summary>
    public void StopGroup() => Libc.Kill(-Id, Libc.SignalStop);

    /// <summary>Asks the kernel to shut down cleanly (SIGTERM).</summary>
    public void Terminate() => Libc.Kill(Id, Libc.SignalTerm);

    /// <summary>
    /// Kills the kernel's whole process group (SIGKILL): a reboot, or the sweep for strays once
    /// the kernel is gone. Before the group exists (the kernel makes it first thing), the kernel
    /// alone is killed; once the kernel has exited, its process id is never signalled again.
    /// </summary>
    public void KillGroup()
    {
        if (Libc.Kill(-Id, Libc.SignalKill) != 0 && !Exited.IsCompleted)
        {
            Libc.Kill(Id, Libc.SignalKill);
        }
    }

    /// <summary>
    /// Kills every process of the kernel's group but the kernel (SIGKILL), which stays stopped for
    /// its dump. The group is stopped, so no member can start another while this runs.
    /// </summary>
    public void KillGroupButKernel()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var processId) && processId != Id && GroupOf(processId) == Id)
            {
                Libc.Kill(processId, Libc.SignalKill);
            }
        }
    }

    /// <summary>The process group of <paramref name="processId"/>, from /proc; null once it is gone.</summary>
    private static int? GroupOf(int processId)
    {
        try
        {
            // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read from its last ')'.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 4);
            return int.TryParse(fields[2], out var group) ? group : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Kills every kernel of <paramref name="machine"/> that is still running, with its process
    /// group: kernels a boot manager that died left behind. Their lifeline ends them too; this
    /// does not wait for it. Returns how many there were.
    /// </summary>
    public static int KillLeftovers(MachineDirectory machine)
    {
        var leftovers = FindKernels(machine).ToList();
        foreach (var processId in leftovers)
        {
            Libc.Kill(-processId, Libc.SignalKill);
            Libc.Kill(processId, Libc.SignalKill);
        }

        return leftovers.Count;
    }

    /// <summary>The kernels of <paramref name="machine"/> running now, found by their command lines.</summary>
    public static IEnumerable<int> FindKernels(MachineDirectory machine)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var processId) && processId != Environment.ProcessId && IsKernelOf(processId, machine))
            {
                yield return processId;
            }
        }
    }

    internal static bool IsKernelOf(int processId, MachineDirectory machine)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{processId}/cmdline").Split('\0');
            return arguments.Contains("kernel") && arguments.Index().Any(a => a.Item == "--machine" && a.Index + 1 < arguments.Length && arguments[a.Index + 1] == machine.Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _process.StandardInput.Dispose();
        _process.Dispose();
        _crashPipe.Dispose();
    }

    private void KeepTail(string? line)
    {
        if (line is null)
        {
            _standardErrorClosed.TrySetResult();
            return;
        }

        lock (_tail)
        {
            if (_head.Count < HeadLines)
            {
                _head.Add(line);
                return;
            }

            if (_tail.Count == TailLines)
            {
                _tail.Dequeue();
                _skipped++;
            }

            _tail.Enqueue(line);
        }
    }
}
