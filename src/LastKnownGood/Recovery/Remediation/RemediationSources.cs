
namespace LastKnownGood.Recovery.Remediation;

/// <summary>The one place <c>Control\Recovery\RemediationSource</c> becomes a source: an absolute directory, or an http or https URL.</summary>
public static class RemediationSources
{
    /// <summary>The listing an HTTP source serves beside its packages, one file name per line; <c>lkg remediation pack</c> keeps it in its output directory.</summary>
    public const string IndexName = "index.txt";

    /// <summary>The most packages one ask takes from a source.</summary>
    public const int MaxPackages = 100;

    public static IRemediationSource For(string source) =>
        TryValidate(source, out var error) ? Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? new HttpRemediationSource(source, uri)
            : new DirectoryRemediationSource(source)
        : throw new LkgException(NtStatus.InvalidParameter, error);

    /// <summary>Whether <paramref name="source"/> can be a source; the sentence says what it must be otherwise.</summary>
    public static bool TryValidate(string source, out string error)
    {
        var web = source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        error = web
            ? Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0 ? ""
                : $"\"{Quote.Short(source)}\" is not an http or https URL without a query; give the URL of the directory that serves {IndexName} and the packages."
            : Path.IsPathFullyQualified(source) ? ""
            : $"\"{Quote.Short(source)}\" is neither an absolute directory nor an http or https URL; give one of them.";
        return error.Length == 0;
    }

    /// <summary>Whether <paramref name="name"/> is a package name a source may offer: a plain file name ending in <c>.lkgfix</c>.</summary>
    public static bool IsPackageName(string name) =>
        name.Length is > 0 and <= 255 && name.EndsWith(RemediationArchive.Extension, StringComparison.Ordinal)
        && name.IndexOfAny(['/', '\\']) < 0 && !name.StartsWith('.') && !name.Any(char.IsControl);
}
