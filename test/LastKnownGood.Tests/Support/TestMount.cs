using System.Diagnostics;

namespace LastKnownGood.Tests.Support;

/// <summary>
/// A mount a test makes (tests run as root): a small tmpfs, or a read-only bind of a directory
/// onto itself. Disposing unmounts it. A mount the system refuses fails the test, with the
/// reason: a test of a full or read-only disk must never pass without one.
/// </summary>
public sealed class TestMount : IDisposable
{
    private readonly string _path;

    private TestMount(string path) => _path = path;

    /// <summary>A tmpfs of <paramref name="size"/> (such as 16m) at <paramref name="path"/>, created if missing.</summary>
    public static TestMount Tmpfs(string path, string size)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        return new TestMount(path);
    }

    /// <summary><paramref name="path"/> made read-only where it is: bound onto itself, then remounted read-only.</summary>
    public static TestMount ReadOnly(string path)
    {
        Run("mount", "--bind", path, path);
        var mount = new TestMount(path);
        try
        {
            Run("mount", "-o", "remount,bind,ro", path);
            return mount;
        }
        catch
        {
            mount.Dispose();
            throw;
        }
    }

    /// <summary>Writes to a file in <paramref name="directory"/> until the file system says it is full.</summary>
    public static void Fill(string directory)
    {
        var chunk = new byte[64 * 1024];
        using var filler = new FileStream(Path.Combine(directory, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        try
        {
            // Byte by byte, to the last free byte of the last page.
            while (true)
            {
                filler.WriteByte(0);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // Full to the byte.
        }
    }

    public void Dispose() => Run("umount", _path);

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}. These tests run as root with mounts allowed (a container needs CAP_SYS_ADMIN).");
    }
}
