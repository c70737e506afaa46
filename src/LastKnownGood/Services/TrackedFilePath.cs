using LastKnownGood.Internal;
using Microsoft.Win32.SafeHandles;

namespace LastKnownGood.Services;

/// <summary>
/// Where a tracked file may be (DESIGN §6 <c>TrackedFiles</c>; the rule is in docs/services.md):
/// a plain absolute path (no <c>.</c>, <c>..</c> or empty segment) that is not a symbolic link
/// nor anything but a regular file, and whose location, with every symbolic link of its
/// directories resolved, is neither directly in <c>/</c> nor inside one of the
/// <see cref="SystemLocations"/> (nor, when the kernel writes it, inside the machine directory).
/// It is checked when the value is written and again, through the opened directory, by
/// <see cref="TrackedFileWriter"/> at the moment it writes the file.
/// </summary>
public static class TrackedFilePath
{
    /// <summary>Directories that belong to the operating system and its package manager, never to a service.</summary>
    public static readonly IReadOnlyList<string> SystemLocations =
        ["/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr", "/var/lib"];

    private const ushort TypeMask = 0xF000;
    private const ushort SymbolicLinkType = 0xA000;

    /// <summary>
    /// Null when <paramref name="path"/> may be a tracked file as the file system stands now; else
    /// the sentence that refuses it. The directories of the path need not exist yet: the deepest
    /// one that does is resolved, and the rest of the path is taken as it is written.
    /// </summary>
    public static string? Refusal(string path)
    {
        if (SyntaxRefusal(path) is { } bad)
        {
            return bad;
        }

        var directory = Path.GetDirectoryName(path)!;
        var below = Path.GetFileName(path);
        SafeFileHandle? handle;
        while ((handle = OpenDirectory(directory)) is null && directory != "/")
        {
            below = $"{Path.GetFileName(directory)}/{below}";
            directory = Path.GetDirectoryName(directory)!;
        }

        using (handle)
        {
            var real = handle is null ? directory : RealPath(handle);
            return LocationRefusal(path, Path.Join(real, below), machineRoot: null) ?? KindRefusal(path, LinkStatus(path));
        }
    }

    /// <summary>The checks of the path's text alone: absolute, and no <c>.</c>, <c>..</c> or empty segment.</summary>
    internal static string? SyntaxRefusal(string path)
    {
        var shown = Quote.Short(path);
        if (!Path.IsPathFullyQualified(path))
        {
            return $"\"{shown}\" is not an absolute path; TrackedFiles values are named by the path the program reads.";
        }

        var segments = path.Split('/')[1..];
        return segments.Any(s => s is "." or "..")
            ? $"\"{shown}\" has a \".\" or \"..\" segment; name a tracked file by its plain absolute path."
            : segments.Any(s => s.Length == 0)
                ? $"\"{shown}\" has an empty segment (\"//\" or a trailing \"/\"); name a tracked file by its plain absolute path."
                : null;
    }

    /// <summary>
    /// The check of where the file really is: <paramref name="realFile"/> is <paramref name="path"/>
    /// with the symbolic links of its directories resolved; <paramref name="machineRoot"/>, when
    /// given, is the machine directory's real path.
    /// </summary>
    internal static string? LocationRefusal(string path, string realFile, string? machineRoot)
    {
        var named = $"\"{Quote.Short(path)}\"{(realFile == path ? "" : $", which is {Quote.Short(realFile)} through a symbolic link,")}";
        if (Path.GetDirectoryName(realFile) == "/")
        {
            return $"{named} is directly in /; put a tracked file in a directory the service owns.";
        }

        if (SystemLocations.FirstOrDefault(root => IsInside(realFile, root)) is { } system)
        {
            return $"{named} is inside {system}, a system location; a tracked file must lie outside {string.Join(", ", SystemLocations)}, in a directory the service owns.";
        }

        return machineRoot is not null && IsInside(realFile, machineRoot)
            ? $"{named} is inside the machine directory, which belongs to lkg; put a tracked file in a directory the service owns."
            : null;
    }

    /// <summary>The check of what is at the path now (<paramref name="status"/> without following a link; null when nothing is).</summary>
    internal static string? KindRefusal(string path, FileStatus? status) => status switch
    {
        null => null,
        { } s when (s.Mode & TypeMask) == SymbolicLinkType =>
            $"\"{Quote.Short(path)}\" is a symbolic link; a tracked file is written in its path's place, never through a link, so name the file itself.",
        { IsRegularFile: false } s => $"\"{Quote.Short(path)}\" is {s.Kind}, not a regular file; name a file.",
        _ => null,
    };

    /// <summary>What is at <paramref name="path"/>, not following a symbolic link there; null when nothing is.</summary>
    internal static FileStatus? LinkStatus(string path) =>
        Libc.Statx(Libc.AtCurrentDirectory, path, Libc.AtSymlinkNoFollow, Libc.StatxBasicStats, out var status) == 0 ? status : null;

    /// <summary>The directory, held open by descriptor (<c>O_PATH</c>) so that what is checked is what is written into; null when it cannot be opened.</summary>
    internal static SafeFileHandle? OpenDirectory(string path)
    {
        var fd = Libc.Open(path, Libc.OpenPath | Libc.OpenDirectory | Libc.OpenCloseOnExec);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The path through which a file inside an opened directory is reached, whatever that directory's own path names by now.</summary>
    internal static string Through(SafeFileHandle directory) => $"/proc/self/fd/{directory.DangerousGetHandle()}";

    /// <summary>The real path of an opened directory, every symbolic link resolved, as the operating system names it.</summary>
    internal static string RealPath(SafeFileHandle directory) => new FileInfo(Through(directory)).LinkTarget ?? "/";

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : $"{root}/", StringComparison.Ordinal);
}
