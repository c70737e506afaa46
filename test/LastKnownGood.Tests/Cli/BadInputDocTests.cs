using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using LastKnownGood.Cli;
using LastKnownGood.Drivers;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// docs/bad-input.md, row by row: each runnable row through the real lkg, with its exit code, its
/// sentence in one line, no stack trace and nothing written; each other row names a test that exists.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class BadInputDocTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    /// <summary>Whether <c>lkg WORD</c> is a command, for every command word a sentence names.</summary>
    private static readonly ConcurrentDictionary<string, Task<bool>> KnownCommands = new(StringComparer.Ordinal);

    private static readonly IReadOnlyList<BadInputRow> Rows = BadInputRow.ReadAll();

    public static TheoryData<string> RunnableRows() => Keys(r => r.Test is null);

    public static TheoryData<string> NamedTestRows() => Keys(r => r.Test is not null);

    [Fact]
    public void Document_HasEachInputOnce_AndMostRowsRun()
    {
        var runnable = Rows.Count(r => r.Test is null);

        Assert.Empty(Rows.GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.True(runnable > 3 * (Rows.Count - runnable), $"{runnable} of {Rows.Count} rows run");
    }

    [Theory]
    [MemberData(nameof(RunnableRows))]
    public async Task RunnableRow_GivesItsSentenceAndExitCode_AndWritesNothing(string key)
    {
        var row = Rows.Single(r => r.Key == key);
        var resolve = Resolver(row);
        var (environment, program, arguments) = row.SplitCommand();
        var run = fixture.Environment();
        foreach (var (name, value) in environment)
        {
            run[name] = Substitute(value, resolve);
        }

        var says = row.Says.Select(s => Substitute(s, resolve)).ToList();
        var args = arguments.Select(a => Substitute(a, resolve)).ToList();
        Assert.True(says.Count > 0, $"\"{key}\" quotes no sentence.");
        var before = fixture.Snapshot();

        var result = await Lkg.RunProgramAsync(program, args, run);

        Assert.True(result.ExitCode == int.Parse(row.Exit, System.Globalization.CultureInfo.InvariantCulture), $"{key}: exit {result.ExitCode}, not {row.Exit}: {result.Error}");
        Assert.True(result.Error.Length is > 0 and < 1000 && !result.Error.Contains('\n'), $"{key}: not one line under 1,000 characters: {result.Error}");
        Assert.All(says, part => Assert.True(result.Error.Contains(part, StringComparison.Ordinal), $"{key}: \"{part}\" is not in: {result.Error}"));
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
        var after = fixture.Snapshot();
        var changed = before.Keys.Union(after.Keys).Where(f => before.GetValueOrDefault(f) != after.GetValueOrDefault(f)).ToList();
        Assert.True(changed.Count == 0, $"{key}: changed {string.Join(", ", changed)}");
        Assert.False(Path.Exists(fixture.New), $"{fixture.New} was created.");
        foreach (var command in CommandMention().Matches(result.Error).Select(m => m.Groups[1].Value).Distinct())
        {
            Assert.True(await KnownCommands.GetOrAdd(command, IsCommandAsync), $"the sentence tells the user to run lkg {command}, which does not exist: {result.Error}");
        }
    }

    [Theory]
    [MemberData(nameof(NamedTestRows))]
    public void NamedTestRow_NamesATestThatExists(string key)
    {
        var test = Rows.Single(r => r.Key == key).Test!;
        var dot = test.LastIndexOf('.');

        var methods = typeof(BadInputDocTests).Assembly.GetTypes().Where(t => t.Name == test[..dot])
            .SelectMany(t => t.GetMethods()).Where(m => m.Name == test[(dot + 1)..] && m.GetCustomAttribute<FactAttribute>() is not null);

        Assert.True(methods.Any(), $"\"{key}\" names {test}, which is no test.");
    }

    private static TheoryData<string> Keys(Func<BadInputRow, bool> which)
    {
        var data = new TheoryData<string>();
        foreach (var row in Rows.Where(which))
        {
            data.Add(row.Key);
        }

        return data;
    }

    /// <summary>The fixture's placeholders, and the row's own <c>{file}</c> and <c>{pkg}</c>, written when first named.</summary>
    private Func<string, string> Resolver(BadInputRow row)
    {
        var own = new Dictionary<string, string>();
        return name => name switch
        {
            "file" or "pkg" when own.TryGetValue(name, out var made) => made,
            "file" => own[name] = NewFile(row.Content),
            "pkg" => own[name] = NewPackage(row.Content),
            _ => fixture.Placeholders.TryGetValue(name, out var value) ? value : throw new ArgumentException($"docs/bad-input.md: \"{row.Key}\" names {{{name}}}, which no fixture makes."),
        };
    }

    private string NewFile(string content)
    {
        var path = Path.Combine(fixture.RowDirectory(), "bad.json");
        File.WriteAllText(path, content);
        return path;
    }

    private string NewPackage(string driverJson)
    {
        var package = fixture.Package(Path.Combine(fixture.RowDirectory(), "Sensor"));
        File.WriteAllText(Path.Combine(package, DriverManifest.FileName), driverJson);
        return package;
    }

    private static string Substitute(string text, Func<string, string> resolve) => Placeholder().Replace(text, m => resolve(m.Groups[1].Value));

    /// <summary>A command's help has its usage line; an unknown word gets the help of lkg itself.</summary>
    private static async Task<bool> IsCommandAsync(string command) =>
        await Lkg.RunAsync(command, "--help") is { ExitCode: ExitCodes.Success } help && help.Output.Contains($"lkg {command} ", StringComparison.Ordinal);

    [GeneratedRegex(@"\{([a-z][a-z0-9-]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>"run lkg boot", "with lkg keys trust NAME"; not "this version of lkg" in prose.</summary>
    [GeneratedRegex(@"(?<!of )\blkg ([a-z][a-z-]*)")]
    private static partial Regex CommandMention();
}
