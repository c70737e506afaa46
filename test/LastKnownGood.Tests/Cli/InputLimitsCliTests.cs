using System.Globalization;
using System.Text;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Machines;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// Input that is not what it claims to be (devices, FIFOs, endless or growing files, huge
/// manifests and names): each is one sentence and an exit code, and leaves the machine as it was.
/// </summary>
public sealed class InputLimitsCliTests : IDisposable
{
    private static readonly string Sample = Path.Combine(MachineManifestTests.RepositoryRoot(), "samples", "machines", "workstation.json");

    private const string Content = @"SYSTEM\CurrentControlSet\Services\Sensor\Content";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Machine => _temp.Combine("machine");

    [Theory]
    [InlineData("/dev/zero", "is a character device, not a regular file")]
    [InlineData("/dev/urandom", "is a character device, not a regular file")]
    [InlineData("FIFO", "is a FIFO, not a regular file")]
    public async Task InitFrom_NotARegularFile_IsOneSentence_AndCreatesNoMachine(string manifest, string says)
    {
        var path = manifest == "FIFO" ? MakeFifo() : manifest;

        var result = await Lkg.RunAsync("init", "--from", path, "--machine", Machine);

        AssertOneSentence(result, ExitCodes.Failed, says);
        Assert.False(Directory.Exists(Machine));
    }

    [Fact]
    public async Task InitFrom_ManifestWithByteOrderMark_CreatesTheMachine()
    {
        var path = _temp.Combine("bom.json");
        File.WriteAllBytes(path, [.. Encoding.UTF8.Preamble, .. "{ \"Services\": { \"Echo\": { \"Type\": 16, \"Start\": 3, \"ImagePath\": \"/bin/echo\" } } }"u8]);

        await Run(ExitCodes.Success, "init", "--from", path);

        Assert.Contains("/bin/echo", (await Run(ExitCodes.Success, "reg", "query", @"SYSTEM\CurrentControlSet\Services\Echo")).Output);
    }

    [Fact]
    public async Task InitFrom_100000Services_Completes()
    {
        var path = _temp.Combine("many.json");
        using (var writer = new StreamWriter(path))
        {
            writer.WriteLine("{ \"Services\": {");
            for (var i = 0; i < 100_000; i++)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  \"Svc{i:D6}\": {{ \"Type\": 16, \"Start\": 3, \"ImagePath\": \"/bin/true\", \"DependOnService\": [\"Svc{i + 1:D6}\"] }},"));
            }

            writer.WriteLine("} }");
        }

        await Run(ExitCodes.Success, "init", "--from", path);

        Assert.Contains("/bin/true", (await Run(ExitCodes.Success, "reg", "query", @"SYSTEM\CurrentControlSet\Services\Svc099999", "ImagePath")).Output);
    }

    [Fact]
    public async Task InitFrom_MegabyteServiceName_EchoesAtMost80Characters()
    {
        var path = _temp.Combine("long.json");
        File.WriteAllText(path, $"{{ \"Services\": {{ \"{new string('n', 1024 * 1024)}\": {{ \"Type\": 16 }} }} }}");

        var result = await Lkg.RunAsync("init", "--from", path, "--machine", Machine);

        AssertOneSentence(result, ExitCodes.Failed, "(1,048,576 characters)");
        AssertEchoedShort(result.Error, 'n');
        Assert.False(Directory.Exists(Machine));
    }

    [Theory]
    [InlineData("/dev/urandom", "is a character device, not a regular file")]
    [InlineData("/dev/zero", "is a character device, not a regular file")]
    [InlineData("FIFO", "is a FIFO, not a regular file")]
    [InlineData("DIRECTORY", "is a directory, not a regular file")]
    public async Task RegSetFile_NotARegularFile_IsOneSentence_AndChangesNothing(string source, string says)
    {
        await Run(ExitCodes.Success, "init", "--from", Sample);
        var path = source switch { "FIFO" => MakeFifo(), "DIRECTORY" => _temp.Path, _ => source };
        var before = Snapshot();

        var result = await Lkg.RunAsync(["reg", "set", Content, "C-2.sys", path, "--type", "file"], Environment());

        AssertOneSentence(result, ExitCodes.Failed, says);
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("/dev/urandom", "is a character device, not a regular file")]
    [InlineData("FIFO", "is a FIFO, not a regular file")]
    public async Task ContentPush_NotARegularFile_IsOneSentence_AndChangesNothing(string source, string says)
    {
        await Run(ExitCodes.Success, "init", "--from", Sample);
        var path = source == "FIFO" ? MakeFifo() : source;
        var before = Snapshot();

        var result = await Lkg.RunAsync(["content", "push", "Sensor", path, "--name", "C-2.sys"], Environment());

        AssertOneSentence(result, ExitCodes.Failed, says);
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("reg")]
    [InlineData("content")]
    [InlineData("classic")]
    public async Task FileOverMaxContentSize_IsRefused_AndChangesNothing(string how)
    {
        await Run(ExitCodes.Success, how == "classic" ? ["init", "--from", Sample, "--policy", "classic"] : ["init", "--from", Sample]);
        await Run(ExitCodes.Success, "reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "MaxContentSize", "16", "--type", "dword");
        var path = _temp.Combine("C-2.sys");
        File.WriteAllText(path, "seventeen bytes!!");
        var before = Snapshot();

        var result = await Lkg.RunAsync(how == "reg" ? ["reg", "set", Content, "C-2.sys", path, "--type", "file"] : ["content", "push", "Sensor", path], Environment());

        AssertOneSentence(result, ExitCodes.Failed, "is 17 bytes, over the limit of 16; raise Control\\Recovery\\MaxContentSize");
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task FileThatGrowsPastMaxContentSizeWhileRead_IsRefused_AndChangesNothing()
    {
        await Run(ExitCodes.Success, "init", "--from", Sample);
        await Run(ExitCodes.Success, "reg", "set", @"SYSTEM\CurrentControlSet\Control\Recovery", "MaxContentSize", "100", "--type", "dword");
        var before = Snapshot();

        // A regular file whose metadata says 0 bytes and whose reading gives kilobytes: as a file that grows.
        var result = await Lkg.RunAsync(["reg", "set", Content, "C-2.sys", "/proc/self/maps", "--type", "file"], Environment());

        AssertOneSentence(result, ExitCodes.Failed, "grew past the limit of 100 bytes while it was read");
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task RegularFileWithinTheLimit_IsStored_AndItsStagedCopyRemoved()
    {
        await Run(ExitCodes.Success, "init", "--from", Sample);
        var path = _temp.Combine("C-2.sys");
        File.WriteAllText(path, "channel file 2");

        await Run(ExitCodes.Success, "reg", "set", Content, "C-2.sys", path, "--type", "file");
        await Run(ExitCodes.Success, "content", "push", "Sensor", path, "--name", "C-3.sys");

        var listed = (await Run(ExitCodes.Success, "content", "list", "Sensor")).Output;
        Assert.Contains("C-2.sys", listed);
        Assert.Contains("C-3.sys", listed);
        Assert.Empty(StagedFiles());
    }

    [Fact]
    public async Task RegSet_LongValueName_EchoesAtMost80Characters()
    {
        await Run(ExitCodes.Success, "init");
        var before = Snapshot();

        // 100,000 characters: one argument of the command line holds at most 128 KiB on Linux.
        var result = await Lkg.RunAsync(["reg", "set", @"SYSTEM\CurrentControlSet\Services\A", new string('v', 100_000), "1"], Environment());

        AssertOneSentence(result, ExitCodes.Usage, "(100,000 characters)\" is longer than 16383 characters, the limit");
        AssertEchoedShort(result.Error, 'v');
        Assert.Equal(before, Snapshot());
    }

    private static void AssertOneSentence(Lkg.Result result, int exitCode, string says)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains(says, result.Error);
        Assert.DoesNotContain('\n', result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
    }

    private static void AssertEchoedShort(string error, char repeated)
    {
        Assert.DoesNotContain(new string(repeated, Quote.MaxLength), error);
        Assert.True(error.Length < 400, $"{error.Length} characters");
    }

    private string MakeFifo() => Fifo.Create(_temp.Combine("fifo"));

    private IEnumerable<string> StagedFiles() => Directory.GetFiles(Machine, "*.lkg-new", SearchOption.AllDirectories);

    /// <summary>Every file of the machine with its size and time (so no new control set, no staged copy left); SQLite's shared-memory index changes on any open.</summary>
    private List<(string, long, DateTime)> Snapshot() =>
        [.. Directory.GetFiles(Machine, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal)).Order()
            .Select(f => (f, new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)))];

    private Dictionary<string, string> Environment() => new() { ["LKG_MACHINE"] = Machine };

    private async Task<Lkg.Result> Run(int exitCode, params string[] args)
    {
        var result = await Lkg.RunAsync(args, Environment());
        Assert.True(result.ExitCode == exitCode, $"lkg {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result;
    }
}
