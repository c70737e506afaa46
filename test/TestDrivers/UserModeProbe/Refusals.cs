using System.Reflection;
using LastKnownGood;

namespace UserModeProbe;

/// <summary>
/// Calls its host's requests that the SDK does not offer, by reflection on the context it was
/// given, as a driver bent on it could: each is the kernel's to refuse, and each status is logged.
/// </summary>
internal static class Refusals
{
    public static void Run(IDriverContext context)
    {
        var self = $@"SYSTEM\CurrentControlSet\Services\{context.DriverName}";
        context.Log($"read own key: {Query(context, self, "ImagePath")}");
        context.Log($"read other key: {Query(context, @"SYSTEM\CurrentControlSet\Services\FaultDriver", "ImagePath")}");
        context.Log($"read Select: {Query(context, @"SYSTEM\Select", "Default")}");
        context.Log($"write Select: {Set(context, @"SYSTEM\Select", "Default")}");
        context.Log($"write other key: {Set(context, @"SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters", "Fault")}");
        context.Log($"write own key: {Set(context, self + @"\Parameters", "Probe")}");
    }

    private static NtStatus Query(IDriverContext context, string path, string name)
    {
        object?[] args = [path, name, null];
        return (NtStatus)Method(context, "QueryValue").Invoke(context, args)!;
    }

    private static NtStatus Set(IDriverContext context, string path, string name)
    {
        var valueType = context.GetType().Assembly.GetType("LastKnownGood.Registry.RegistryValue", throwOnError: true)!;
        var value = valueType.GetMethod("Dword", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [2u]);
        return (NtStatus)Method(context, "SetValue").Invoke(context, [path, name, value])!;
    }

    private static MethodInfo Method(IDriverContext context, string name) =>
        context.GetType().GetMethod(name, BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException($"{context.GetType()} has no {name}: this probe only runs in a user-mode host");
}
