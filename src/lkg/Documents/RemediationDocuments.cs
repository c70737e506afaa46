using LastKnownGood.Recovery.Remediation;

namespace LastKnownGood.Cli.Documents;

/// <summary><c>lkg remediation pack --json</c>: the package directory signed, the archive written, the key, the digest signed, the change's reason, and the index beside the archive.</summary>
internal sealed record RemediationPackDocument(string Package, string Archive, string Key, string Digest, string Reason, string Index);

/// <summary><c>lkg remediation list --json</c>: one package the recovery environment took, and what became of it (<c>applied</c>, <c>unchanged</c>, <c>refused</c>).</summary>
internal sealed record RemediationDocument(long Id, DateTimeOffset Created, string Name, string ArchiveSha256, string Source, int Boot, string Outcome, int? ControlSet, string Reason)
{
    public static RemediationDocument From(RemediationRecord r) =>
        new(r.Id, r.Created, r.Name, r.ArchiveSha256, r.Source, r.Boot, Remediations.Name(r.Outcome), r.ControlSet, r.Reason);
}
