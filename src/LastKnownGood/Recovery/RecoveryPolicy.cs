namespace LastKnownGood.Recovery;

/// <summary><c>Control\Recovery\Policy</c> (DESIGN §8).</summary>
public enum RecoveryPolicy
{
    /// <summary>Windows exactly, limits included: content files live outside the control sets.</summary>
    Classic,

    /// <summary>Content inside the control sets, bisection, quarantine and remediation.</summary>
    Improved,
}
