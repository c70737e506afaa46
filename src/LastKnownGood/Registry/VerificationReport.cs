namespace LastKnownGood.Registry;

/// <summary>How much a verification read: key nodes hashed, content blobs checked.</summary>
public readonly record struct VerificationReport(int Nodes, int Blobs);
