using System.Diagnostics;

namespace LastKnownGood.Tests.Support;

/// <summary>Named pipes for tests of input that blocks whoever reads it.</summary>
public static class Fifo
{
    /// <summary>Makes a FIFO at <paramref name="path"/> with mkfifo(1) and returns the path.</summary>
    public static string Create(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        Assert.True(mkfifo.WaitForExit(TimeSpan.FromSeconds(30)) && mkfifo.ExitCode == 0, "mkfifo failed");
        return path;
    }
}
