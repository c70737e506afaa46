using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;

namespace LastKnownGood.Tests.Support;

/// <summary>Runs the real lkg command line, or lkg-host, as a child process.</summary>
public static class Lkg
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args) => await RunAsync(args, null);

    public static async Task<Result> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment) =>
        await RunProgramAsync("lkg", args, environment);

    /// <summary>Runs <c>lkg-host</c>, the kernel's program, as the boot manager would.</summary>
    public static async Task<Result> RunHostAsync(params string[] args) => await RunProgramAsync("lkg-host", args, null);

    /// <summary>Runs <paramref name="program"/>, lkg or lkg-host, with <paramref name="environment"/> added to this process's.</summary>
    public static async Task<Result> RunProgramAsync(string program, IEnumerable<string> args, IDictionary<string, string>? environment) =>
        await WaitAsync(ChildProcess.Start(program, args, environment));

    /// <summary>Runs the lkg executable at <paramref name="executable"/>, such as a NativeAOT build, instead of the one beside the tests.</summary>
    public static async Task<Result> RunPublishedAsync(string executable, IEnumerable<string> args, IDictionary<string, string>? environment) =>
        await WaitAsync(ChildProcess.StartExecutable(executable, args, environment));

    /// <summary>lkg-host beside the tests, as the boot manager and the analysis start it.</summary>
    public static KernelCommandLine Host => new("dotnet", [Path.Combine(AppContext.BaseDirectory, "lkg-host.dll")]);

    /// <summary>The reader of kernels' dumps, by lkg-host beside the tests.</summary>
    public static DumpReader Dumps => new(Host);

    private static async Task<Result> WaitAsync(ChildProcess started)
    {
        using var child = started;
        // WaitForExitAsync also waits until the redirected output has been read to its end.
        var exit = await child.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return new Result(exit, string.Join('\n', child.Lines), child.StandardError.Trim());
    }
}
