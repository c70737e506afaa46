using System.Diagnostics.CodeAnalysis;
using LastKnownGood.Internal;
using LastKnownGood.Machines;

namespace LastKnownGood.Drivers;

/// <summary>
/// A machine's installed driver packages, <c>&lt;machine&gt;/drivers/&lt;identity&gt;/</c>: content-addressed
/// by <see cref="PackageSignature.Identity"/>, the hash of the signature file, which names the
/// digest of every other file, and immutable. The same files signed again, by another key or the
/// same one, are another package with a directory of its own, so a control set keeps the signature
/// it was written with. A driver's <c>ImagePath</c> is that identity (or, for a package installed
/// before the signature counted, its digest); <see cref="Verify"/> is how the kernel turns it into
/// a checked directory before a load. Entries whose names start with '.' are installs in progress
/// or left by a crash, never packages.
/// </summary>
public sealed partial class DriverStore
{
    private const int BufferSize = 128 * 1024;

    public DriverStore(MachineDirectory machine)
        : this(machine.DriversPath)
    {
    }

    public DriverStore(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    /// <summary>The directory of the package an <c>ImagePath</c> names; false when the text is not a digest (the directory may still be missing).</summary>
    public bool TryResolve(string imagePath, [NotNullWhen(true)] out string? directory)
    {
        directory = PackageDigest.IsDigest(imagePath) ? Path.Combine(Root, imagePath) : null;
        return directory is not null;
    }

    /// <summary>
    /// The kernel's check before loading a driver: resolves <paramref name="imagePath"/>, runs
    /// <see cref="CodeIntegrity.Check"/> on the directory, and requires the package's identity (or,
    /// for an older install, its files' digest) to be the directory's name, so a validly signed
    /// package put in another package's place (an old, vulnerable version, or the same files under
    /// another signature) is refused too. Never throws for anything on disk.
    /// </summary>
    public CodeIntegrityResult Verify(string imagePath, CodeIntegrityPolicy policy)
    {
        if (!TryResolve(imagePath, out var directory))
        {
            return new(NtStatus.ObjectNameInvalid,
                $"ImagePath \"{imagePath}\" does not name an installed driver package (a {PackageDigest.HexLength}-digit digest); install the driver with lkg driver install.",
                null, null, null, false);
        }

        var result = CodeIntegrity.Check(directory, policy);
        return result.Succeeded && result.Identity != imagePath && result.Digest != imagePath
            ? CodeIntegrityResult.Refused($"The installed package {directory} holds a different package (signature {result.Identity![..12]}…, digest {result.Digest![..12]}…) than its name says; install the driver again.")
            : result;
    }

    /// <summary>
    /// Copies a checked package into <c>drivers/&lt;identity&gt;/</c> unless a sound copy is there
    /// already; true when it copied. The copy is built in a temporary directory beside the
    /// others, flushed, checked again (so what is installed is what was checked, even if the
    /// source changes meanwhile) and renamed into place; its files are made read-only.
    /// </summary>
    private bool Store(string source, string identity, CodeIntegrityPolicy policy)
    {
        Directory.CreateDirectory(Root);
        var target = Path.Combine(Root, identity);
        if (Directory.Exists(target))
        {
            if (Verify(identity, policy).Succeeded)
            {
                return false;
            }

            RemoveDamaged(target);
        }

        var temporary = Path.Combine(Root, $".tmp-{Guid.NewGuid():N}");
        try
        {
            Copy(source, temporary);
            var copy = CodeIntegrity.Check(temporary, policy);
            if (!copy.Succeeded || copy.Identity != identity)
            {
                throw new LkgException(NtStatus.InvalidImageHash, $"The package {source} changed while it was being installed; install it again.");
            }

            try
            {
                Directory.Move(temporary, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another install of the same package got there first; its copy is as good as ours.
                Directory.Delete(temporary, recursive: true);
                return false;
            }

            DurableDirectory.Flush(Root);
            return true;
        }
        catch
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }

            throw;
        }
    }

    private static void Copy(string source, string destination)
    {
        if (!PackageDigest.TryListFiles(source, out var files, out var error))
        {
            throw new LkgException(NtStatus.InvalidImageHash, error);
        }

        var buffer = new byte[BufferSize];
        foreach (var relative in files.Append(PackageSignature.FileName))
        {
            var to = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            using (var input = new FileStream(Path.Combine(source, relative), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan))
            using (var output = new FileStream(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                int read;
                while ((read = input.Read(buffer)) > 0)
                {
                    output.Write(buffer, 0, read);
                }

                output.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
        }
    }

    /// <summary>A package directory whose files no longer check out is moved aside and deleted, so a sound copy can take its name.</summary>
    private void RemoveDamaged(string target)
    {
        var aside = Path.Combine(Root, $".damaged-{Guid.NewGuid():N}");
        Directory.Move(target, aside);
        try
        {
            Directory.Delete(aside, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover '.damaged-' directory is never loaded (it is not a digest), so it can wait.
        }
    }
}
