using LastKnownGood.Drivers;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Drivers;

public sealed class DriverManifestTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_ValidManifest_ReadsEveryField()
    {
        var package = DriverPackages.Create(_temp.Combine("p"), "Hello", "1.2.3.4");

        var manifest = DriverManifest.Load(package);

        Assert.Equal(new DriverManifest("Hello", new Version(1, 2, 3, 4), "Hello.dll", "Hello.HelloDriver"), manifest);
    }

    [Fact]
    public void Load_WithAUtf8ByteOrderMark_ReadsEveryField()
    {
        var package = DriverPackages.Create(_temp.Combine("p"), "Hello", "1.2.3.4");
        var path = Path.Combine(package, "driver.json");
        File.WriteAllBytes(path, [.. System.Text.Encoding.UTF8.Preamble, .. File.ReadAllBytes(path)]);

        var manifest = DriverManifest.Load(package);

        Assert.Equal(new DriverManifest("Hello", new Version(1, 2, 3, 4), "Hello.dll", "Hello.HelloDriver"), manifest);
    }

    [Theory]
    [InlineData("""{"version": "1.0", "assembly": "Sensor.dll", "type": "S.D"}""", "\"name\" is missing")]
    [InlineData("""{"name": 7, "version": "1.0", "assembly": "Sensor.dll", "type": "S.D"}""", "\"name\" must be a non-empty string")]
    [InlineData("""{"name": "A\\B", "version": "1.0", "assembly": "Sensor.dll", "type": "S.D"}""", "\"name\" cannot name a Services key")]
    [InlineData("""{"name": "Sensor", "version": "1", "assembly": "Sensor.dll", "type": "S.D"}""", "\"version\" is \"1\", which is not a version")]
    [InlineData("""{"name": "Sensor", "version": "1.0", "assembly": "../Sensor.dll", "type": "S.D"}""", "\"assembly\" is \"../Sensor.dll\"; give a path inside the package")]
    [InlineData("""{"name": "Sensor", "version": "1.0", "assembly": "/etc/passwd", "type": "S.D"}""", "give a path inside the package")]
    [InlineData("""{"name": "Sensor", "version": "1.0", "assembly": "Missing.dll", "type": "S.D"}""", "names Missing.dll, which is not in the package")]
    [InlineData("""{"name": "Sensor", "version": "1.0", "assembly": "Sensor.dll", "type": "Sensor Driver"}""", "\"type\" is \"Sensor Driver\"")]
    [InlineData("""{"name": "Sensor", "version": "1.0", "assembly": "Sensor.dll",""", "is not valid JSON")]
    [InlineData("""["Sensor"]""", "is not a JSON object")]
    public void TryLoad_InvalidManifest_NamesTheFileAndTheField(string json, string expected)
    {
        var package = DriverPackages.Create(_temp.Combine("p"));
        File.WriteAllText(Path.Combine(package, "driver.json"), json);

        Assert.False(DriverManifest.TryLoad(package, out var manifest, out var error));
        Assert.Null(manifest);
        Assert.StartsWith(Path.Combine(package, "driver.json"), error);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TryLoad_NoDriverJson_SaysWhatAPackageNeeds()
    {
        Directory.CreateDirectory(_temp.Combine("empty"));

        Assert.False(DriverManifest.TryLoad(_temp.Combine("empty"), out _, out var error));
        Assert.Contains("does not exist; a driver package needs a driver.json", error);
    }
}
