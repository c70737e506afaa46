using System.Diagnostics;
using System.Globalization;
using LastKnownGood.Boot;
using LastKnownGood.Tests.Support;
using static LastKnownGood.Tests.Kernel.ServiceControl.ServiceMachine;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary>A real kernel writing a service's tracked files before the service's process starts, and a write that fails or is refused as that service's start failure.</summary>
public sealed class TrackedFileStartTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);

    private readonly TempDirectory _temp = new();

    public TrackedFileStartTests()
    {
        Directory.CreateDirectory(Site);
        File.WriteAllText(_temp.Combine("app.conf"), "greeting=hello from the control set\n");
    }

    private string Site => _temp.Combine("site");

    /// <summary>Unique: a test that let a write through a link into /etc must not replace a real file there.</summary>
    private string Name { get; } = $"t{Guid.NewGuid():n}"[..9] + ".conf";

    private string Config => Path.Combine(Site, Name);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task TrackedFile_IsOnDiskBeforeTheServiceStarts_AndTheServiceReadsIt()
    {
        using var machine = await CreateAsync(_temp, new() { ["Web"] = Reader(errorControl: 1) });
        File.WriteAllText(Config, "greeting=edited by hand\n");

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);

        Assert.Contains("Web: read greeting=hello from the control set", kernel.StandardError);
        Assert.Contains($"Web: wrote tracked file {Config} (36 bytes)", kernel.StandardError);
        Assert.Equal("greeting=hello from the control set\n", File.ReadAllText(Config));
        Terminate(kernel);
        Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
    }

    [Theory]
    [InlineData(2, KernelExitCodes.RebootWithLastKnownGood)]
    [InlineData(1, null)]
    public async Task TrackedFileThatCannotBeWritten_IsTheServicesStartFailure_UnderItsErrorControl(int errorControl, int? exit)
    {
        using var machine = await CreateAsync(_temp, new() { ["Web"] = Reader(errorControl) });
        using var readOnly = TestMount.ReadOnly(Site);

        using var kernel = machine.StartKernel();
        await ExitsOrIsReadyAsync(kernel, exit);

        Assert.Contains($"Web failed to start: its tracked file {Config} cannot be written in {Site} (Read-only file system); let the kernel's user write there", kernel.StandardError);
        Assert.DoesNotContain("Web: read", kernel.StandardError);
        await StopAsync(kernel, exit);
    }

    [Fact]
    public async Task SymbolicLinkIntoEtc_PlantedAfterTheValueWasWritten_IsRefusedWhenTheKernelWrites()
    {
        using var machine = await CreateAsync(_temp, new() { ["Web"] = Reader(errorControl: 1) });
        Directory.Delete(Site, recursive: true);
        File.CreateSymbolicLink(Site, "/etc");

        using var kernel = machine.StartKernel();
        await kernel.WaitForLineAsync(l => l == "ready", Timeout);

        Assert.Contains($"Web failed to start: its tracked file \"{Config}\", which is /etc/{Name} through a symbolic link, is inside /etc, a system location", kernel.StandardError);
        Assert.False(File.Exists($"/etc/{Name}"));
        Assert.DoesNotContain("Web: read", kernel.StandardError);
        await StopAsync(kernel, null);
    }

    /// <summary>A service that prints its tracked file's line and stays up; its tracked file comes from the manifest.</summary>
    private Dictionary<string, object> Reader(int errorControl) => Shell(_temp.Path, $"echo \"read $(cat {Config})\"; {Sleep}",
        ("ErrorControl", errorControl),
        ("TrackedFiles", new Dictionary<string, object> { [Config] = new Dictionary<string, object> { ["$file"] = "app.conf" } }));

    private static async Task ExitsOrIsReadyAsync(ChildProcess kernel, int? exit)
    {
        if (exit is { } expected)
        {
            Assert.Equal(expected, await kernel.WaitForExitAsync(Timeout));
        }
        else
        {
            await kernel.WaitForLineAsync(l => l == "ready", Timeout);
        }
    }

    private static async Task StopAsync(ChildProcess kernel, int? exit)
    {
        if (exit is null)
        {
            Terminate(kernel);
            Assert.Equal(KernelExitCodes.Shutdown, await kernel.WaitForExitAsync(Timeout));
        }
    }

    private static void Terminate(ChildProcess kernel) => Process.Start("kill", ["-TERM", kernel.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
}
