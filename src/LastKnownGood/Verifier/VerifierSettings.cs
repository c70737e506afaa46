using LastKnownGood.Registry;

namespace LastKnownGood.Verifier;

/// <summary>
/// <c>Control\Verifier</c> of a control set: one subkey per verified driver, one DWORD value per
/// <see cref="VerifierFlags"/> check. It applies from the next boot, and never in safe mode.
/// </summary>
public static class VerifierSettings
{
    public static readonly KeyPath KeyPath = KeyPath.Parse(@"Control\Verifier");

    private static readonly VerifierFlags[] Checks = [VerifierFlags.SpecialPool, VerifierFlags.PoolTracking, VerifierFlags.Deadlock, VerifierFlags.Watchdog];

    /// <summary>The drivers under the verifier in <paramref name="controlSet"/> and what is checked for each; drivers with no check on are left out.</summary>
    public static IReadOnlyDictionary<string, VerifierFlags> Read(Hive hive, int controlSet)
    {
        var result = new Dictionary<string, VerifierFlags>(RegistryNames.Comparer);
        if (hive.OpenKey(controlSet, KeyPath) is not { } verifier)
        {
            return result;
        }

        foreach (var subkey in verifier.Subkeys)
        {
            if (hive.OpenKey(controlSet, KeyPath.Child(subkey.Name)) is { } key && FlagsOf(key) is var flags and not VerifierFlags.None)
            {
                result[subkey.Name] = flags;
            }
        }

        return result;
    }

    /// <summary>The checks a driver's key turns on; a value of the wrong type counts as off.</summary>
    public static VerifierFlags FlagsOf(KeyNode key)
    {
        var flags = VerifierFlags.None;
        foreach (var check in Checks)
        {
            if (key.TryGetValue(check.ToString(), out var value) && value.Kind == RegistryValueKind.Dword && value.AsDword() != 0)
            {
                flags |= check;
            }
        }

        return flags;
    }
}
