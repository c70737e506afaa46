using LastKnownGood.Recovery;

namespace LastKnownGood.Boot;

/// <summary>The one place <c>Control\Recovery\Policy</c> becomes code.</summary>
public static class RecoveryPolicies
{
    public static IRecoveryPolicy For(RecoveryPolicy policy) => policy switch
    {
        RecoveryPolicy.Classic => ClassicRecovery.Instance,
        RecoveryPolicy.Improved => ImprovedRecovery.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };
}
