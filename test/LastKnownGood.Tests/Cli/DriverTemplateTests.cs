using System.Text.Json;
using System.Xml.Linq;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// <c>dotnet new lkg-driver</c>, from the packed template and the packed SDK, as a driver author
/// starts: the new project builds against the SDK package, and its output is signed, installed
/// and booted, where it logs its greeting and reads its content.
/// </summary>
public sealed class DriverTemplateTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Feed => _temp.Combine("feed");

    /// <summary>The packages the template's restore sees: the feed's alone, in a folder of this test's, never the user's cache.</summary>
    private Dictionary<string, string> Environment => new() { ["NUGET_PACKAGES"] = _temp.Combine("packages"), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };

    [Fact]
    public async Task ANewDriver_FromTheTemplate_Builds_Signs_Installs_AndBoots()
    {
        var package = await NewDriverAsync("Acme.Probe", sdkVersion: null);
        Assert.False(File.Exists(Path.Combine(package, "LastKnownGood.Sdk.dll")), "the SDK is the kernel's: a driver package never carries it");

        using var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("sign", package, "--key", "test");
        await machine.LkgAsync("driver", "install", package, "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\Acme.Probe\Parameters", "Greeting", "hello from the template");
        File.WriteAllText(_temp.Combine("rules.bin"), "twelve bytes");
        await machine.LkgAsync("content", "push", "Acme.Probe", _temp.Combine("rules.bin"));
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("boot", "--until", "accepted", "--timeout", "60s");

        var log = (await machine.LkgAsync("logs", "-b", "all")).Output;
        Assert.Contains("Acme.Probe: hello from the template", log);
        Assert.Contains("Acme.Probe: content rules.bin: 12 bytes", log);
        Assert.Contains("kernel: started Acme.Probe 1.0.0", log);
        Assert.NotNull(Assert.Single(machine.History()).Accepted);
    }

    [Fact]
    public async Task ADriverBuiltAgainstALaterSdk_IsRefusedByTheKernel_InOneSentence()
    {
        var package = await NewDriverAsync("Future", sdkVersion: "1.1.0");

        using var machine = await TestMachine.CreateAsync();
        await machine.LkgAsync("sign", package, "--key", "test");
        await machine.LkgAsync("driver", "install", package, "--start", "system");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "AcceptAfter", "0", "--type", "dword");
        await machine.LkgAsync("boot", "--until", "1-boots", "--timeout", "60s");

        var log = (await machine.LkgAsync("logs", "-b", "all")).Output;
        Assert.Contains("it was built against LastKnownGood.Sdk 1.1.0, and this kernel serves 1.0.0: build it against LastKnownGood.Sdk 1.x, at most 1.0.0", log);
        Assert.DoesNotContain("Future: ready", log);
    }

    [Fact]
    public async Task TheSdksPublicApi_IsABaseline_ARemovedMemberFailsTheBuild()
    {
        var root = MachineManifestTests.RepositoryRoot();
        var copy = _temp.Combine("repo");
        foreach (var file in (string[])["Directory.Build.props", "Directory.Packages.props", "global.json"])
        {
            Directory.CreateDirectory(copy);
            File.Copy(Path.Combine(root, file), Path.Combine(copy, file));
        }

        var sdk = Path.Combine(copy, "src", "LastKnownGood.Sdk");
        Directory.CreateDirectory(sdk);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "src", "LastKnownGood.Sdk")))
        {
            File.Copy(file, Path.Combine(sdk, Path.GetFileName(file)));
        }

        var context = Path.Combine(sdk, "IDriverContext.cs");
        File.WriteAllText(context, File.ReadAllText(context).Replace("    NtStatus ReportBootOk();", "", StringComparison.Ordinal));

        using var build = ChildProcess.StartExecutable("dotnet", ["build", sdk, "-nodeReuse:false"], Environment);
        var exit = await build.WaitForExitAsync(Timeout);

        Assert.NotEqual(0, exit);
        Assert.Contains(build.Lines, l => l.Contains("RS0017", StringComparison.Ordinal) && l.Contains("ReportBootOk", StringComparison.Ordinal));
    }

    [Fact]
    public void TheTemplate_BuildsAgainstTheSdkThisRepositoryMakes()
    {
        var root = MachineManifestTests.RepositoryRoot();
        var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "templates", "lkg-driver", ".template.config", "template.json"))).RootElement;
        var version = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("LastKnownGoodVersion").Single().Value;

        Assert.Equal(version, template.GetProperty("symbols").GetProperty("sdkVersion").GetProperty("defaultValue").GetString());
    }

    /// <summary>
    /// As a driver author starts: the SDK packed (as <paramref name="sdkVersion"/>, else this
    /// repository's version) and the template packed into a feed, the template installed, a driver
    /// made from it and built against the feed alone; returns its build output, the package.
    /// </summary>
    private async Task<string> NewDriverAsync(string name, string? sdkVersion)
    {
        var root = MachineManifestTests.RepositoryRoot();
        string[] version = sdkVersion is null ? [] : [$"-p:LastKnownGoodVersion={sdkVersion}"];
        await DotnetAsync(["pack", Path.Combine(root, "src", "LastKnownGood.Sdk"), "-c", "Release", "-o", Feed, "--artifacts-path", _temp.Combine("artifacts"), .. version]);
        await DotnetAsync("pack", Path.Combine(root, "templates", "LastKnownGood.Templates.csproj"), "-o", Feed, "--artifacts-path", _temp.Combine("artifacts"));
        var hive = _temp.Combine("template-hive");
        await DotnetAsync("new", "install", Directory.GetFiles(Feed, "LastKnownGood.Templates.*.nupkg").Single(), "--debug:custom-hive", hive);
        var project = _temp.Combine(name);
        string[] sdk = sdkVersion is null ? [] : ["--sdkVersion", sdkVersion];
        await DotnetAsync(["new", "lkg-driver", "-n", name, "-o", project, .. sdk, "--debug:custom-hive", hive]);
        await DotnetAsync("build", project, "--source", Feed);
        return Path.Combine(project, "bin", "Debug", "net10.0");
    }

    private async Task DotnetAsync(params string[] args)
    {
        using var dotnet = ChildProcess.StartExecutable("dotnet", args, Environment);
        var exit = await dotnet.WaitForExitAsync(Timeout);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} failed ({exit}): {string.Join('\n', dotnet.Lines.TakeLast(30))}");
    }
}
