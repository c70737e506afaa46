using System.Reflection;
using System.Text.RegularExpressions;
using LastKnownGood.Cli;
using LastKnownGood.Tests.Machines;

namespace LastKnownGood.Tests.Cli;

/// <summary>docs/command-line.md's exit-code table is the program's: every code it has, and no other.</summary>
public sealed partial class CommandLineDocTests
{
    [Fact]
    public void ExitCodeTable_ListsEveryExitCode_OnceEach()
    {
        var text = File.ReadAllText(Path.Combine(MachineManifestTests.RepositoryRoot(), "docs", "command-line.md"));
        var section = text[text.IndexOf("## Exit codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];

        var documented = TableRow().Matches(section).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var codes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).Order().ToList();

        Assert.Equal(codes, documented);
    }

    [GeneratedRegex(@"(?m)^\| (\d+) \|")]
    private static partial Regex TableRow();
}
