using LastKnownGood.Registry;

namespace LastKnownGood.Tests.Support;

/// <summary>Real driver packages for tests: real assemblies copied from the build output, and a driver.json.</summary>
public static class DriverPackages
{
    /// <summary>
    /// Creates a package in <paramref name="directory"/>: <c>driver.json</c>, the SDK assembly as
    /// <c>&lt;name&gt;.dll</c>, and the runtime assembly as a dependency in <c>lib/</c>.
    /// </summary>
    public static string Create(string directory, string name = "Sensor", string version = "7.11.0")
    {
        Directory.CreateDirectory(Path.Combine(directory, "lib"));
        File.Copy(typeof(IDriver).Assembly.Location, Path.Combine(directory, $"{name}.dll"));
        File.Copy(typeof(Hive).Assembly.Location, Path.Combine(directory, "lib", "LastKnownGood.dll"));
        File.WriteAllText(Path.Combine(directory, "driver.json"),
            $$"""{"name": "{{name}}", "version": "{{version}}", "assembly": "{{name}}.dll", "type": "{{name}}.{{name}}Driver"}""" + "\n");
        return directory;
    }
}
