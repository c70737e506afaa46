using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using LastKnownGood.Internal;
using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Machines;

/// <summary>
/// The exclusive lock on a machine directory (<c>machine.lock</c>), held by the running boot
/// manager. It is an advisory <c>flock</c> that the operating system drops when its holder
/// dies, so a lock left by a dead process is simply taken over; the file names the holder.
/// </summary>
public sealed class MachineLock : IDisposable
{
    private readonly FileStream _file;

    private MachineLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or says who holds it.</summary>
    public static bool TryAcquire(string path, string command, TimeProvider time,
        [NotNullWhen(true)] out MachineLock? acquired, [NotNullWhen(false)] out LockHolder? holder)
    {
        acquired = null;
        FileStream file;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Unix: it fails while another process holds it.
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                break;
            }
            catch (IOException e) when (StorageError.TryTranslate(e, path, out var failure))
            {
                // A read-only or full file system: no holder will ever let go of that, so no retry.
                throw failure;
            }
            catch (IOException) when (File.Exists(path))
            {
                // The holder may let go between our attempt and the look at who it was: then try again.
                if ((holder = ReadHolder(path)) is not null)
                {
                    return false;
                }
            }
        }

        holder = null;

        var line = string.Join('\t', Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), command);
        try
        {
            file.SetLength(0);
            file.Write(Encoding.UTF8.GetBytes(line + "\n"));
            file.Flush(flushToDisk: true);
        }
        catch (IOException e) when (StorageError.TryTranslate(e, path, out var failure))
        {
            file.SafeFileHandle.Dispose();
            throw failure;
        }
        acquired = new MachineLock(file);
        return true;
    }

    public static MachineLock Acquire(string path, string command, TimeProvider time) =>
        TryAcquire(path, command, time, out var acquired, out var holder)
            ? acquired
            : throw new LkgException(NtStatus.AccessDenied,
                $"The machine {System.IO.Path.GetDirectoryName(path)} is in use by {holder}; stop that process first or use another --machine.");

    /// <summary>The process holding the lock now, or null when nobody does.</summary>
    public static LockHolder? ReadHolder(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return null;
        }
        catch (IOException)
        {
            return Parse(ReadUnlocked(path));
        }
    }

    public void Dispose() => _file.Dispose();

    private static LockHolder Parse(string text)
    {
        var fields = text.TrimEnd('\n').Split('\t', 3);
        return fields.Length == 3
            && int.TryParse(fields[0], CultureInfo.InvariantCulture, out var pid)
            && DateTimeOffset.TryParse(fields[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)
            ? new LockHolder(pid, since, fields[2])
            : new LockHolder(0, DateTimeOffset.MinValue, "a process that has not written its name yet");
    }

    /// <summary>
    /// Reads the lock file without taking a lock: .NET's FileStream always takes one on Unix,
    /// which the holder's exclusive lock would refuse, so this opens the file with open(2).
    /// </summary>
    private static string ReadUnlocked(string path)
    {
        var fd = Libc.Open(path, Libc.OpenReadOnly | Libc.OpenCloseOnExec);
        if (fd < 0)
        {
            return "";
        }

        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
