using System.Security.Cryptography;
using System.Text.Json;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary><c>lkg service create|list|show</c> through the real lkg process, and the command-line split of <c>--command</c>.</summary>
public sealed class ServiceCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Create_WritesOneControlSet_ThatListAndShowRead()
    {
        using var machine = await TestMachine.CreateAsync();
        var before = machine.Select().Default;
        var config = _temp.Combine("site.conf");
        File.WriteAllText(config, "listen 8080;\n");

        await machine.LkgAsync("service", "create", "Web", "--command", "/usr/bin/python3 -m 'http.server' \"80 80\"", "--arg=--bind", "--arg", "127.0.0.1",
            "--start", "demand", "--error-control", "severe", "--notify", "--working-directory", _temp.Path,
            "--track", config, "--health", "http:http://127.0.0.1:8080/", "--health", "tcp:127.0.0.1:8080", "--health", "tcp:127.0.0.1:8081");
        // The file changes after the create: the control set keeps the bytes it had.
        File.WriteAllText(config, "listen 9090;\n");

        Assert.Equal(before + 1, machine.Select().Default);
        var list = JsonDocument.Parse((await machine.LkgAsync("service", "list", "--json")).Output).RootElement;
        var web = Assert.Single(list.EnumerateArray(), s => s.GetProperty("name").GetString() == "Web");
        Assert.Equal(("demand", "severe", "/usr/bin/python3 -m http.server '80 80' --bind 127.0.0.1"),
            (web.GetProperty("start").GetString(), web.GetProperty("errorControl").GetString(), web.GetProperty("command").GetString()));

        var show = JsonDocument.Parse((await machine.LkgAsync("service", "show", "Web", "--json")).Output).RootElement;
        Assert.Equal((before + 1, _temp.Path, true), (show.GetProperty("controlSet").GetInt32(), show.GetProperty("workingDirectory").GetString(), show.GetProperty("notify").GetBoolean()));
        var values = show.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("value"));
        Assert.Equal(["-m", "http.server", "80 80", "--bind", "127.0.0.1"], values["Arguments"].EnumerateArray().Select(a => a.GetString()));
        Assert.Equal((16, 1, 3, 2), (values["Type"].GetInt32(), values["Notify"].GetInt32(), values["Start"].GetInt32(), values["ErrorControl"].GetInt32()));
        Assert.Equal(["Http:http:http://127.0.0.1:8080/", "Tcp:tcp:127.0.0.1:8080", "Tcp2:tcp:127.0.0.1:8081"],
            show.GetProperty("healthChecks").EnumerateArray().Select(c => $"{c.GetProperty("name")}:{c.GetProperty("kind")}:{c.GetProperty("target")}"));
        var tracked = Assert.Single(show.GetProperty("trackedFiles").EnumerateArray());
        Assert.Equal(config, tracked.GetProperty("name").GetString());
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData("listen 8080;\n"u8)), tracked.GetProperty("value").ToString());
    }

    [Fact]
    public async Task Create_ThatTheSchemaRefuses_WritesNothing()
    {
        using var machine = await TestMachine.CreateAsync();
        var before = machine.Select();
        var config = _temp.Combine("site.conf");
        File.WriteAllText(config, "x");

        var result = await machine.TryLkgAsync("service", "create", "Web", "--command", "/bin/true", "--track", config, "--health", "tcp:nowhere");

        Assert.Equal((ExitCodes.Failed, @"Services\Web\Health\Tcp\Tcp: ""nowhere"" is not host:port."), (result.ExitCode, result.Error));
        Assert.Equal(before, machine.Select());
        Assert.DoesNotContain("Web", (await machine.LkgAsync("service", "list")).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/bin/echo a  b", new[] { "/bin/echo", "a", "b" })]
    [InlineData("run 'two words' \"and \\\"more\\\"\" x\\ y", new[] { "run", "two words", "and \"more\"", "x y" })]
    [InlineData("a '' \"\"", new[] { "a", "", "" })]
    [InlineData("'it'\\''s' back\\\\slash", new[] { "it's", "back\\slash" })]
    [InlineData("\t/bin/true\t", new[] { "/bin/true" })]
    public void Split_ReadsQuotesAsAShellWould_AndJoinGivesTheSameWordsBack(string line, string[] words)
    {
        Assert.Equal(words, CommandWords.Split(line));
        Assert.Equal(words, CommandWords.Split(CommandWords.Join(words)));
    }
}
