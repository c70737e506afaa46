using System.Diagnostics;
using System.Threading.Channels;

namespace LastKnownGood.Tests.Support;

/// <summary>
/// A real child process running one of the built programs (lkg, HiveChild) with `dotnet`.
/// Its standard output arrives line by line, so tests wait on handshakes, never on sleeps.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];
    private readonly System.Text.StringBuilder _stderr = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="program"/> (a .dll beside the tests) with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        StartExecutable("dotnet", [Path.Combine(AppContext.BaseDirectory, program + ".dll"), .. args], environment);

    /// <summary>Starts the executable <paramref name="path"/> (a published lkg, or <c>dotnet</c> itself) with <paramref name="args"/>.</summary>
    public static ChildProcess StartExecutable(string path, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.Writer.TryComplete();
                return;
            }

            lock (child._seen)
            {
                child._seen.Add(e.Data);
            }

            child._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (child._stderr)
            {
                child._stderr.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a line of standard output that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cancel.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Reported below with what the child said.
        }

        throw new TimeoutException($"The child did not print the expected line within {timeout}; it said: {string.Join(" | ", Lines.TakeLast(5))}; stderr: {StandardError}");
    }

    /// <summary>Waits, by bounded polling, for a line of standard error that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForErrorLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (StandardError.Split('\n').FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The child did not print the expected line to standard error within {timeout}; it said: {StandardError}");
    }

    /// <summary>Sends SIGKILL and waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
