using LastKnownGood.Cli.Demo;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>Where a demo finds its drivers: beside lkg, put there by lkg's own build.</summary>
public sealed class DemoDriverPackageTests
{
    [Theory]
    [InlineData("NotMyFault")]
    [InlineData("Hello")]
    public void Find_ASampleLkgsBuildCopies_IsBesideLkg(string driver)
    {
        var package = DemoDriverPackage.Find(driver);

        Assert.True(File.Exists(Path.Combine(package, driver + ".dll")));
        Assert.True(File.Exists(Path.Combine(package, "driver.json")));
    }

    [Fact]
    public void Find_ADriverNotBesideLkg_FailsWithOneSentenceNamingWhatToBuild()
    {
        using var lkgWithoutDrivers = new TempDirectory();

        var e = Assert.Throws<LkgException>(() => DemoDriverPackage.Find("NotMyFault", lkgWithoutDrivers.Path));

        Assert.Equal(NtStatus.ObjectNameNotFound, e.Status);
        Assert.Equal(
            "The NotMyFault driver is not beside lkg (samples/NotMyFault/NotMyFault.dll and driver.json); run dotnet build src/lkg, which builds samples/Drivers/NotMyFault and copies it there.",
            e.Message);
    }
}
