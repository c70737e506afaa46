using System.Text;

namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// An http or https URL of a directory that serves <c>index.txt</c> (the package names, one per line)
/// and the packages beside it, as any static web server serves the directory <c>lkg remediation pack</c>
/// writes to. Each request has a finite timeout, and a package over the limit is cut off and refused.
/// </summary>
public sealed class HttpRemediationSource : IRemediationSource
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private const int MaxIndexSize = 64 * 1024;

    private readonly Uri _base;

    public HttpRemediationSource(string name, Uri url)
    {
        Name = name;
        _base = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    public string Name { get; }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancel)
    {
        using var index = new MemoryStream();
        await GetAsync(RemediationSources.IndexName, index, MaxIndexSize, cancel);
        return [.. Encoding.UTF8.GetString(index.ToArray()).Split('\n').Select(l => l.Trim())
            .Where(RemediationSources.IsPackageName).Distinct(StringComparer.Ordinal).Take(RemediationSources.MaxPackages)];
    }

    public Task FetchAsync(string name, Stream destination, CancellationToken cancel) =>
        GetAsync(Uri.EscapeDataString(name), destination, RemediationArchive.MaxSize, cancel);

    private async Task GetAsync(string relative, Stream destination, long limit, CancellationToken cancel)
    {
        var url = new Uri(_base, relative);
        using var client = new HttpClient { Timeout = RequestTimeout };
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (!response.IsSuccessStatusCode)
            {
                throw new LkgException(NtStatus.ObjectNameNotFound, $"The remediation source answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}; check that it serves {RemediationSources.IndexName} and the packages it lists.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            var buffer = new byte[64 * 1024];
            long total = 0;
            for (int read; (read = await body.ReadAsync(buffer, cancel)) > 0;)
            {
                total += read;
                if (total > limit)
                {
                    throw new LkgException(NtStatus.InvalidImageHash, $"{url} is over the limit of {limit:N0} bytes; split the remediation into smaller packages.");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancel);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            throw new LkgException(NtStatus.IoTimeout, $"The remediation source {url} did not answer ({e.Message.TrimEnd('.')}); the recovery environment asks again later.");
        }
    }
}
