using LastKnownGood.Internal;

namespace LastKnownGood.Recovery.Remediation;

/// <summary>A directory of <c>.lkgfix</c> files (a mounted share, a USB stick): each regular file in it is a package.</summary>
public sealed class DirectoryRemediationSource(string directory) : IRemediationSource
{
    public string Name => directory;

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancel)
    {
        try
        {
            IReadOnlyList<string> names = [.. Directory.EnumerateFiles(directory, "*" + RemediationArchive.Extension)
                .Select(Path.GetFileName).OfType<string>().Where(RemediationSources.IsPackageName).Order(StringComparer.Ordinal).Take(RemediationSources.MaxPackages)];
            return Task.FromResult(names);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LkgException(NtStatus.ObjectNameNotFound, $"The remediation source {Quote.Short(directory)} cannot be listed ({e.Message.TrimEnd('.')}); check that it exists and can be read.");
        }
    }

    public async Task FetchAsync(string name, Stream destination, CancellationToken cancel)
    {
        using var file = RegularFile.Open(Path.Combine(directory, name), RemediationArchive.MaxSize, "The remediation package", "split the remediation into smaller packages");
        var buffer = new byte[64 * 1024];
        for (int read; (read = file.Read(buffer)) > 0;)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancel);
        }
    }
}
