using System.Formats.Tar;
using LastKnownGood.Drivers;

namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// A remediation package as it travels: one tar file (<c>.lkgfix</c>) holding the signed package
/// directory, <c>remediation.json</c>, its content files and <c>signature.json</c>. Written here by
/// <c>lkg remediation pack</c> and read here by the recovery environment, which trusts nothing in it
/// until the signature over the extracted files verifies.
/// </summary>
public static class RemediationArchive
{
    public const string Extension = ".lkgfix";

    /// <summary>The largest archive a source may deliver, and the most its files may add up to, in bytes.</summary>
    public const long MaxSize = 64 * 1024 * 1024;

    private const int MaxEntries = 10_000;

    /// <summary>Writes every file of the signed <paramref name="packageDirectory"/> into <paramref name="archive"/>, atomically (a temporary file renamed over it).</summary>
    public static void Write(string packageDirectory, string archive)
    {
        if (!PackageDigest.TryListFiles(packageDirectory, out var files, out var error))
        {
            throw new LkgException(NtStatus.InvalidParameter, error);
        }

        var temporary = archive + ".lkg-new";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
                {
                    foreach (var relative in files.Append(PackageSignature.FileName))
                    {
                        writer.WriteEntry(Path.Combine(packageDirectory, relative), relative);
                    }
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, archive, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Extracts <paramref name="archive"/> into the new directory <paramref name="directory"/>: regular
    /// files (and directories) at plain relative paths only, at most <see cref="MaxSize"/> bytes in all.
    /// Anything else throws <see cref="LkgException"/> with the reason, and leaves what was extracted
    /// for the caller to remove.
    /// </summary>
    public static void Extract(string archive, string directory)
    {
        Directory.CreateDirectory(directory);
        var root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        long total = 0;
        var count = 0;
        try
        {
            using var stream = File.OpenRead(archive);
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry() is { } entry)
            {
                if (++count > MaxEntries)
                {
                    throw Refused($"it holds more than {MaxEntries:N0} entries");
                }

                var name = entry.Name;
                if (name.Length == 0 || name.StartsWith('/') || name.Contains('\\') || name.Split('/').Any(s => s is ".." or ".") || name.Any(char.IsControl))
                {
                    throw Refused($"it holds the path \"{Quote.Short(name)}\", which is not a plain relative path");
                }

                var target = Path.GetFullPath(Path.Combine(root, name));
                if (!target.StartsWith(root, StringComparison.Ordinal))
                {
                    throw Refused($"it holds the path \"{Quote.Short(name)}\", outside the package");
                }

                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        total += entry.Length;
                        if (total > MaxSize)
                        {
                            throw Refused($"its files add up to more than {MaxSize:N0} bytes");
                        }

                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
                        {
                            entry.DataStream?.CopyTo(file);
                        }

                        break;
                    default:
                        throw Refused($"it holds \"{Quote.Short(name)}\", a {entry.EntryType} entry; a package holds regular files only");
                }
            }

            if (count == 0)
            {
                throw Refused("it is not a readable tar file (it holds no entries)");
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw Refused($"it is not a readable tar file ({e.Message.TrimEnd('.')})");
        }
        catch (IOException e) when (e is not FileNotFoundException && File.Exists(archive))
        {
            throw Refused($"it could not be extracted ({e.Message.TrimEnd('.')})");
        }
    }

    private static LkgException Refused(string why) => new(NtStatus.InvalidImageHash, $"the archive is refused: {why}");
}
