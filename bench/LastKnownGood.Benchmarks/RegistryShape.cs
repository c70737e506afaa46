using LastKnownGood.Registry;

namespace LastKnownGood.Benchmarks;

/// <summary>
/// The registry both stores start from: 1,000 services, each with a <c>Parameters</c> key of
/// 100 values, alternately DWORD and SZ, like the wide and shallow <c>Services</c> key of a
/// real SYSTEM hive: 100,000 values in all.
/// </summary>
internal static class RegistryShape
{
    public const int ServiceCount = 1_000;
    public const int ValuesPerKey = 100;
    public const int ValueCount = ServiceCount * ValuesPerKey;

    /// <summary>A DWORD value of every <c>Parameters</c> key; the benchmarks change it.</summary>
    public const string ChangedValueName = "Value000";

    public static string ParametersPath(int service) => $@"Services\Svc{service:D4}\Parameters";

    public static string ValueName(int index) => $"Value{index:D3}";

    public static RegistryValue InitialValue(int service, int index) => index % 2 == 0
        ? RegistryValue.Dword((uint)((service * ValuesPerKey) + index))
        : RegistryValue.String($@"%SystemRoot%\System32\drivers\svc{service:D4}\setting{index:D3}.dat");

    public static IEnumerable<(string KeyPath, string Name, RegistryValue Value)> Values()
    {
        for (var service = 0; service < ServiceCount; service++)
        {
            var path = ParametersPath(service);
            for (var index = 0; index < ValuesPerKey; index++)
            {
                yield return (path, ValueName(index), InitialValue(service, index));
            }
        }
    }
}
