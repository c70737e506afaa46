using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg content</c> under both policies, and bad input to it.</summary>
public sealed class ContentCliTests : IDisposable
{
    private static readonly string Sample = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "machines", "workstation.json");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Machine => _temp.Combine("machine");

    [Fact]
    public async Task ClassicInit_PutsTheManifestsChannelFileOutsideTheControlSets()
    {
        await Run(0, "init", "--from", Sample, "--policy", "classic");

        var files = await Json("content", "list", "Sensor");
        var content = await Run(0, "reg", "query", @"SYSTEM\CurrentControlSet\Services\Sensor\Content", "--json");

        Assert.Equal("C-00000291-00000000-00000001.sys", Assert.Single(files.EnumerateArray()).GetProperty("name").GetString());
        Assert.True(File.Exists(Path.Combine(Machine, "content", "Sensor", "C-00000291-00000000-00000001.sys")));
        Assert.Equal(0, JsonDocument.Parse(content.Output).RootElement.GetProperty("values").GetArrayLength());
    }

    [Fact]
    public async Task ImprovedPushAndDelete_WriteControlSets()
    {
        await Run(0, "init", "--from", Sample);
        var file = _temp.Combine("C-00000291-00000000-00000002.sys");
        await File.WriteAllTextAsync(file, "channel file 2");

        var pushed = await Json("content", "push", "sensor", file);
        var deleted = await Json("content", "delete", "Sensor", "*-00000001.sys");
        var files = await Json("content", "list", "Sensor");

        Assert.Equal("ControlSet002", pushed.GetProperty("where").GetString());
        Assert.Equal(["C-00000291-00000000-00000001.sys"], deleted.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("C-00000291-00000000-00000002.sys", Assert.Single(files.EnumerateArray()).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(ExitCodes.Failed, "push", "Nobody", "FILE", "install the component")]
    [InlineData(ExitCodes.Failed, "push", "Sensor", "FILE", "not a plain file name", "--name", "../escape.sys")]
    [InlineData(ExitCodes.Usage, "push", "Sensor", "missing.sys", "does not exist")]
    [InlineData(ExitCodes.Failed, "delete", "Sensor", "C-99*", "no content file matching")]
    [InlineData(ExitCodes.Failed, "list", "..", "", "does not exist")]
    public async Task BadInput_IsOneSentence_AndChangesNothing(int exitCode, string verb, string component, string file, string says, params string[] more)
    {
        await Run(0, "init", "--from", Sample, "--policy", "classic");
        var path = file == "FILE" ? Sample : _temp.Combine(file);
        var before = Snapshot();

        var result = await Run(exitCode, ["content", verb, component, .. verb switch { "push" => new[] { path }, "list" => [], _ => [file] }, .. more]);

        Assert.Contains(says, result.Error);
        Assert.Single(result.Error.Split('\n'));
        Assert.Equal(before, Snapshot());
    }

    /// <summary>Every file of the machine with its size and time; SQLite's shared-memory index changes on any open.</summary>
    private List<(string, long, DateTime)> Snapshot() =>
        [.. Directory.GetFiles(Machine, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal)).Order()
            .Select(f => (f, new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)))];

    private async Task<JsonElement> Json(params string[] args) =>
        JsonDocument.Parse((await Run(0, [.. args, "--json"])).Output).RootElement.Clone();

    private async Task<Lkg.Result> Run(int exitCode, params string[] args)
    {
        var result = await Lkg.RunAsync(args, new Dictionary<string, string> { ["LKG_MACHINE"] = Machine });
        Assert.True(result.ExitCode == exitCode, $"lkg {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result;
    }
}
