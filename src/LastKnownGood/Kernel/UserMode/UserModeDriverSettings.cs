using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// A user-mode driver's <c>Services\&lt;Name&gt;</c> values that its supervision reads: its
/// <c>FailureActions</c> and <c>ResetPeriod</c>, <c>Critical</c>, and <c>StartTimeout</c> seconds,
/// how long DriverEntry may take in its host (default 30, as for services).
/// </summary>
internal sealed record UserModeDriverSettings(FailureActions FailureActions, bool Critical, TimeSpan StartTimeout)
{
    public static UserModeDriverSettings Read(KeyNode key) => new(
        FailureActions.Read(key, FailureActions.UserModeDriverDefault),
        Dword(key, "Critical") == 1,
        Dword(key, "StartTimeout") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : ServiceProgram.DefaultStartTimeout);

    private static uint? Dword(KeyNode key, string name) =>
        key.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.Dword ? value.AsDword() : null;
}
