namespace LastKnownGood.Recovery.Remediation;

/// <summary>
/// Where the recovery environment asks for remediation packages (DESIGN §8, §15): a directory or an
/// HTTP URL today (<see cref="RemediationSources.For"/>), the fleet service later. A source only
/// delivers bytes; nothing it delivers is trusted until its signature verifies. A source that
/// cannot answer throws <see cref="LkgException"/> with one sentence; the environment asks again later.
/// </summary>
public interface IRemediationSource
{
    /// <summary>The source as <c>Control\Recovery\RemediationSource</c> names it, for messages and records.</summary>
    string Name { get; }

    /// <summary>The names of the packages it offers now (plain file names ending in <c>.lkgfix</c>), in order.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancel);

    /// <summary>Copies package <paramref name="name"/> into <paramref name="destination"/>, refusing one over <see cref="RemediationArchive.MaxSize"/> bytes.</summary>
    Task FetchAsync(string name, Stream destination, CancellationToken cancel);
}
