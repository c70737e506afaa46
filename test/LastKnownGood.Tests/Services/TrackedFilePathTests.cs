using System.Text.Json;
using LastKnownGood.Registry;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Services;

/// <summary>
/// Where a tracked file may be, refused when it is written: through the real <c>lkg reg set
/// --type file</c> and <c>lkg init --from</c>, each refusal one sentence, exit 1, and no new control set.
/// </summary>
public sealed class TrackedFilePathTests : IDisposable
{
    private const string Key = @"SYSTEM\CurrentControlSet\Services\Web\TrackedFiles";
    private const string Outside = "a tracked file must lie outside /bin, /boot, /dev, /etc, /lib, /lib32, /lib64, /libx32, /proc, /run, /sbin, /sys, /usr, /var/lib, in a directory the service owns.";

    private readonly TempDirectory _temp = new();

    public TrackedFilePathTests() => File.WriteAllText(_temp.Combine("app.conf"), "listen 8080;\n");

    private string Source => _temp.Combine("app.conf");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RegSet_ThroughASymbolicLinkIntoEtc_IsRefused()
    {
        File.CreateSymbolicLink(_temp.Combine("conf"), "/etc");
        var path = _temp.Combine("conf", "app.conf");

        await RefusedAsync(path, $"\"{path}\", which is /etc/app.conf through a symbolic link, is inside /etc, a system location; {Outside}");
    }

    [Fact]
    public async Task RegSet_WithADotDotSegment_IsRefused() =>
        await RefusedAsync("/srv/app/../../etc/app.conf", "\"/srv/app/../../etc/app.conf\" has a \".\" or \"..\" segment; name a tracked file by its plain absolute path.");

    [Fact]
    public async Task RegSet_InASystemLocationThatDoesNotExistYet_IsRefused() =>
        await RefusedAsync("/usr/lkg-nowhere/app.conf", $"\"/usr/lkg-nowhere/app.conf\" is inside /usr, a system location; {Outside}");

    [Fact]
    public async Task RegSet_DirectlyInTheRootDirectory_IsRefused() =>
        await RefusedAsync("/app.conf", "\"/app.conf\" is directly in /; put a tracked file in a directory the service owns.");

    [Fact]
    public async Task RegSet_OfAPathThatIsASymbolicLink_IsRefused()
    {
        var path = _temp.Combine("link.conf");
        File.CreateSymbolicLink(path, Source);

        await RefusedAsync(path, $"\"{path}\" is a symbolic link; a tracked file is written in its path's place, never through a link, so name the file itself.");
    }

    [Fact]
    public async Task RegSet_OfAPathTheServiceMayOwn_IsWritten()
    {
        using var machine = await TestMachine.CreateAsync();
        var path = _temp.Combine("site", "app.conf");

        await machine.LkgAsync("reg", "set", Key, path, Source, "--type", "file");

        using var hive = machine.Directory.OpenHive(TimeProvider.System);
        var file = hive.OpenKey(hive.ReadSelect().Default, KeyPath.Parse(@"Services\Web\TrackedFiles"))!.Values.Single();
        Assert.Equal((path, 13L), (file.Name, file.Value.AsFile().Size));
    }

    [Fact]
    public async Task Init_FromAManifestWithATrackedFileInEtc_IsRefused_AndMakesNoMachine()
    {
        var manifest = _temp.Combine("machine.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Services"] = new Dictionary<string, object>
            {
                ["Web"] = new Dictionary<string, object>
                {
                    ["Type"] = 16, ["Start"] = 2, ["ImagePath"] = "/usr/sbin/nginx",
                    ["TrackedFiles"] = new Dictionary<string, object> { ["/etc/nginx/nginx.conf"] = new Dictionary<string, object> { ["$file"] = "app.conf" } },
                },
            },
        }));

        var result = await Lkg.RunAsync(["init", "--from", manifest], new Dictionary<string, string> { ["LKG_MACHINE"] = _temp.Combine("machine") });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"\"/etc/nginx/nginx.conf\" is inside /etc, a system location; {Outside}", result.Error);
        Assert.False(File.Exists(_temp.Combine("machine", "system.db")));
    }

    private async Task RefusedAsync(string path, string sentence)
    {
        using var machine = await TestMachine.CreateAsync();
        var before = machine.Select();

        var result = await machine.TryLkgAsync("reg", "set", Key, path, Source, "--type", "file");

        Assert.Equal(1, result.ExitCode);
        // The key and name before the colon are cut to 80 characters, as any echo of a name is.
        Assert.StartsWith(@"Services\Web\TrackedFiles\", result.Error);
        Assert.EndsWith($": {sentence}", result.Error.Trim());
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.Equal(before, machine.Select());
    }
}
