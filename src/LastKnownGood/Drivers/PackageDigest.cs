using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using LastKnownGood.Internal;

namespace LastKnownGood.Drivers;

/// <summary>
/// The digest that identifies a driver package and that its signature covers: SHA-256 over
/// UTF-8 text made of one line per file except the top-level <c>signature.json</c>, sorted by
/// ordinal relative path with '/' separators: <c>&lt;sha256 hex lowercase&gt;  &lt;relative path&gt;\n</c>.
/// It is also the name of the package's directory once installed, <c>drivers/&lt;digest&gt;/</c>.
/// </summary>
/// <remarks>
/// Every file counts, hidden ones included; a package holding a symbolic link or a path with a
/// control character or a backslash has no digest, so no signature can cover it. Files are
/// hashed by streaming through one buffer: a package's size never sits in memory.
/// </remarks>
public static class PackageDigest
{
    /// <summary>The length of a digest in lowercase hex, which is also an installed package's directory name.</summary>
    public const int HexLength = SHA256.HashSizeInBytes * 2;

    private const int BufferSize = 128 * 1024;

    private static readonly EnumerationOptions EveryEntry = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Computes the digest of the files on disk, in lowercase hex; throws <see cref="LkgException"/> with the reason when it cannot.</summary>
    public static string Compute(string packageDirectory) =>
        TryCompute(packageDirectory, out var digest, out var error) ? digest : throw new LkgException(NtStatus.InvalidImageHash, error);

    /// <summary>Computes the digest of the files on disk, in lowercase hex; false with one sentence when it cannot. Never throws for bad input.</summary>
    public static bool TryCompute(string packageDirectory, out string digest, out string error)
    {
        digest = "";
        if (!TryListFiles(packageDirectory, out var files, out error))
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var text = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var file = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Span<byte> fileHash = stackalloc byte[SHA256.HashSizeInBytes];
            foreach (var relative in files)
            {
                using (var stream = new FileStream(Path.Combine(packageDirectory, relative), FileMode.Open, FileAccess.Read, FileShare.Read,
                    bufferSize: 0, FileOptions.SequentialScan))
                {
                    int read;
                    while ((read = stream.Read(buffer, 0, BufferSize)) > 0)
                    {
                        file.AppendData(buffer, 0, read);
                    }
                }

                file.GetHashAndReset(fileHash);
                text.AppendData(Encoding.UTF8.GetBytes($"{Convert.ToHexStringLower(fileHash)}  {relative}\n"));
            }

            digest = Convert.ToHexStringLower(text.GetHashAndReset());
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"A file of the package {packageDirectory} cannot be read ({e.Message.TrimEnd('.')}); check its permissions.";
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>True for a string that can be a digest: exactly <see cref="HexLength"/> lowercase hex digits.</summary>
    public static bool IsDigest(string text) => text.Length == HexLength && !Characters.Any(text, c => !char.IsAsciiHexDigitLower(c));

    /// <summary>The package's files that the digest covers, as '/' separated relative paths in ordinal order.</summary>
    internal static bool TryListFiles(string packageDirectory, out List<string> files, out string error)
    {
        files = [];
        var root = new DirectoryInfo(packageDirectory);
        if (!root.Exists)
        {
            return Fail($"The driver package {packageDirectory} does not exist; give the directory that holds driver.json.", out error);
        }

        try
        {
            foreach (var entry in root.EnumerateFileSystemInfos("*", EveryEntry))
            {
                var relative = Path.GetRelativePath(root.FullName, entry.FullName);
                if (Path.DirectorySeparatorChar != '/')
                {
                    relative = relative.Replace(Path.DirectorySeparatorChar, '/');
                }

                if (Characters.Any(relative, char.IsControl) || relative.Contains('\\'))
                {
                    return Fail($"The package {packageDirectory} holds a file whose path has a control character or a backslash; rename it.", out error);
                }

                if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    return Fail($"The package {packageDirectory} holds a symbolic link, {relative}; a package holds regular files only, so copy the target in its place.", out error);
                }

                // A FIFO would block the hashing, and a device would never end it.
                if (entry is FileInfo && FileStatus.Of(entry.FullName) is { IsRegularFile: false } status)
                {
                    return Fail($"The package {packageDirectory} holds {status.Kind}, {relative}; a package holds regular files only, so put a regular file in its place.", out error);
                }

                if (entry is FileInfo && relative != PackageSignature.FileName)
                {
                    files.Add(relative);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"The package {packageDirectory} cannot be listed ({e.Message.TrimEnd('.')}); check its permissions.", out error);
        }

        files.Sort(StringComparer.Ordinal);
        error = "";
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
