namespace LastKnownGood.Cli.Demo;

/// <summary>
/// A sample driver's build output, copied beside lkg at <c>samples/&lt;Driver&gt;/</c> by lkg's own
/// build (<c>lkg.csproj</c>), so a demo needs nothing built by hand.
/// </summary>
internal static class DemoDriverPackage
{
    /// <summary>The directory holding <paramref name="driver"/>'s assembly and <c>driver.json</c>, or a failure that says what to build.</summary>
    public static string Find(string driver) => Find(driver, AppContext.BaseDirectory);

    /// <summary>The same, beside an lkg in <paramref name="lkgDirectory"/>.</summary>
    internal static string Find(string driver, string lkgDirectory)
    {
        var directory = Path.Combine(lkgDirectory, "samples", driver);
        if (!File.Exists(Path.Combine(directory, driver + ".dll")) || !File.Exists(Path.Combine(directory, "driver.json")))
        {
            throw new LkgException(NtStatus.ObjectNameNotFound,
                $"The {driver} driver is not beside lkg (samples/{driver}/{driver}.dll and driver.json); run dotnet build src/lkg, which builds samples/Drivers/{driver} and copies it there.");
        }

        return directory;
    }
}
