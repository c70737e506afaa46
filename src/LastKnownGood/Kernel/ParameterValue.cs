using LastKnownGood.Registry;

namespace LastKnownGood.Kernel;

/// <summary>What <c>IDriverContext.QueryParameter</c> hands a driver for a registry value, in kernel and in user mode alike.</summary>
internal static class ParameterValue
{
    /// <summary>A <see cref="uint"/>, <see cref="ulong"/>, <see cref="string"/>, <see cref="T:string[]"/> or <see cref="T:byte[]"/>; null for a kind drivers are not given (FILE).</summary>
    public static object? ToObject(RegistryValue value) => value.Kind switch
    {
        RegistryValueKind.Dword => value.AsDword(),
        RegistryValueKind.Qword => value.AsQword(),
        RegistryValueKind.Sz => value.AsString(),
        RegistryValueKind.MultiSz => value.AsMultiString().ToArray(),
        RegistryValueKind.Binary => value.Data.ToArray(),
        _ => null,
    };
}
