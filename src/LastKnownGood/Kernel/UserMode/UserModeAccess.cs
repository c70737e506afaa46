using LastKnownGood.Registry;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// What a user-mode driver may touch in the registry (DESIGN §10): its own
/// <c>Services\&lt;Name&gt;</c> subtree of the booted control set, through
/// <c>SYSTEM\CurrentControlSet</c> or that set's own name. <c>Select</c>, other control sets and
/// every other key are <see cref="NtStatus.AccessDenied"/>.
/// </summary>
internal static class UserModeAccess
{
    /// <summary>The key inside the booted set that <paramref name="path"/> names, or the status refusing it.</summary>
    public static NtStatus Check(string path, string driver, int bootedSet, out KeyPath? key, out string reason)
    {
        key = null;
        if (!RegistryPath.TryParse(path, out var parsed, out reason))
        {
            return NtStatus.ObjectNameInvalid;
        }

        var inBootedSet = parsed.Kind == RegistryPathKind.CurrentControlSet || (parsed.Kind == RegistryPathKind.ControlSet && parsed.ControlSet == bootedSet);
        var segments = parsed.Key.Segments;
        if (!inBootedSet || segments.Count < 2 || !RegistryNames.Comparer.Equals(segments[0], "Services") || !RegistryNames.Comparer.Equals(segments[1], driver))
        {
            reason = $@"{path} is outside {driver}'s own key (SYSTEM\CurrentControlSet\Services\{driver}), the only one a user-mode driver may touch";
            return NtStatus.AccessDenied;
        }

        key = parsed.Key;
        return NtStatus.Success;
    }
}
