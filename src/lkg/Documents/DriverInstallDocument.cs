namespace LastKnownGood.Cli.Documents;

/// <summary>
/// <c>lkg driver install --json</c>: the driver and its package in <c>drivers/</c> (its files' digest,
/// and its identity, the <c>ImagePath</c> that names it there), the mode it runs
/// in, the write to <c>Services\</c>, the key that signed it and whether the machine is in test mode.
/// </summary>
internal sealed record DriverInstallDocument(
    string Name,
    string Version,
    string Digest,
    string ImagePath,
    string Directory,
    bool Copied,
    string Mode,
    int ControlSet,
    bool Changed,
    string? Key,
    bool TestSigned,
    bool TestSigning);
