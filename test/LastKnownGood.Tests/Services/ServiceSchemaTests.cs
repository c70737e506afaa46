using LastKnownGood.Registry;
using LastKnownGood.Services;

namespace LastKnownGood.Tests.Services;

public sealed class ServiceSchemaTests
{
    private static readonly KeyPath Service = KeyPath.Parse(@"Services\Web");

    [Theory]
    [InlineData("StopTimeout")]
    [InlineData("WatchdogTimeout")]
    public void TimeoutsInSeconds_AreDwordsOfAtLeastOne(string name)
    {
        Assert.True(ServiceSchema.TryValidateValue(Service, name, RegistryValue.Dword(3), out _));
        Assert.False(ServiceSchema.TryValidateValue(Service, name, RegistryValue.Dword(0), out var zero));
        Assert.False(ServiceSchema.TryValidateValue(Service, name, RegistryValue.String("3"), out var text));
        Assert.NotEmpty(zero);
        Assert.Contains("DWORD", text, StringComparison.OrdinalIgnoreCase);
    }
}
