namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg keys create --json</c>: the key's files, and the control set that trusts it with <c>--trust</c> (else null).</summary>
internal sealed record KeyCreatedDocument(string Key, string PrivateKey, string PublicKey, bool Trusted, int? ControlSet);

/// <summary><c>lkg keys trust --json</c>: the key, and the write to <c>Control\CI\Keys</c>.</summary>
internal sealed record KeyTrustedDocument(string Key, bool Trusted, int ControlSet, bool Changed);

/// <summary><c>lkg sign --json</c>: the package signed, its driver and version, the key and the digest signed.</summary>
internal sealed record SignDocument(string Package, string Name, string Version, string Key, string Digest);
