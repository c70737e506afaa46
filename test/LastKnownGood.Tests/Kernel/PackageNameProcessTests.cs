using System.Text.Json;
using LastKnownGood.Internal;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel;

/// <summary>A package loads only as the driver its driver.json names: another entry pointing its ImagePath at it is a start failure.</summary>
public sealed class PackageNameProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnEntryWhoseImagePathNamesAnotherDriversPackage_IsAStartFailure_AndTheOwnerStillStarts()
    {
        using var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("samples/Drivers/Hello", "--start", "system");
        var query = JsonDocument.Parse((await machine.LkgAsync("reg", "query", @"SYSTEM\CurrentControlSet\Services\Hello", "ImagePath", "--json")).Output);
        var image = query.RootElement.GetProperty("values")[0].GetProperty("value").GetString()!;
        foreach (var (name, value, type) in new[] { ("Type", "1", "dword"), ("Start", "1", "dword"), ("ErrorControl", "1", "dword"), ("ImagePath", image, "sz") })
        {
            await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Impostor", name, value, "--type", type);
        }

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        Assert.Equal(0, Libc.Kill(kernel.Id, Libc.SignalTerm));
        await kernel.WaitForExitAsync(Timeout);

        var log = kernel.StandardError;
        Assert.Contains(@"Impostor failed to start: Services\Impostor's ImagePath names the package of Hello, not of Impostor; install Impostor with lkg driver install", log);
        Assert.Contains("kernel: started Hello 1.0.0", log);
    }
}
