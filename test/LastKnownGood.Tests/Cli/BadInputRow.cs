using System.Text;
using System.Text.RegularExpressions;
using LastKnownGood.Tests.Machines;

namespace LastKnownGood.Tests.Cli;

/// <summary>
/// One row of docs/bad-input.md: an input, the command that gives it, the quoted parts of the
/// sentence the user gets, the exit code, and, for a row that cannot be run from the fixtures,
/// the test that covers it.
/// </summary>
public sealed partial record BadInputRow(string Area, string Input, string Command, IReadOnlyList<string> Says, string Exit, string? Test)
{
    public static readonly string DocumentPath = Path.Combine(MachineManifestTests.RepositoryRoot(), "docs", "bad-input.md");

    private const int Columns = 5;

    /// <summary>What names the row in test results: its section and its input.</summary>
    public string Key => $"{Area}: {Input}";

    /// <summary>The last code span of the input: what <c>{file}</c> and <c>{pkg}</c> hold; empty when there is none.</summary>
    public string Content => CodeSpans(Input).LastOrDefault() ?? "";

    /// <summary>Every row of every table whose first column is "input", in the document's order.</summary>
    public static IReadOnlyList<BadInputRow> ReadAll()
    {
        var rows = new List<BadInputRow>();
        var area = "";
        var inTable = false;
        foreach (var line in File.ReadLines(DocumentPath))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                area = line[3..];
            }

            if (!line.StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells[0] == "input" || cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                inTable |= cells[0] == "input";
                continue;
            }

            if (inTable)
            {
                Assert.True(cells.Length == Columns, $"docs/bad-input.md: a row has {cells.Length} cells, not {Columns}: {line}");
                rows.Add(new(area, cells[0], cells[1], [.. CodeSpans(cells[2])], cells[3], cells[4].Length == 0 ? null : cells[4]));
            }
        }

        return rows;
    }

    private static readonly string[] Programs = ["lkg", "lkg-host"];

    /// <summary>
    /// The command's environment assignments (<c>NAME=value</c> before the program), its program
    /// (lkg or lkg-host) and its arguments, split at spaces; single quotes keep spaces and
    /// backslashes and may be empty.
    /// </summary>
    public (Dictionary<string, string> Environment, string Program, List<string> Arguments) SplitCommand()
    {
        var words = Words(Assert.Single(CodeSpans(Command)));
        var environment = new Dictionary<string, string>();
        var first = 0;
        for (; first < words.Count && !Programs.Contains(words[first]); first++)
        {
            var assignment = words[first].Split('=', 2);
            Assert.True(assignment.Length == 2, $"docs/bad-input.md: \"{Command}\" has \"{words[first]}\" before the program, which is no NAME=value.");
            environment[assignment[0]] = assignment[1];
        }

        Assert.True(first < words.Count, $"docs/bad-input.md: \"{Command}\" runs neither lkg nor lkg-host.");
        return (environment, words[first], words[(first + 1)..]);
    }

    private static IEnumerable<string> CodeSpans(string cell) => CodeSpan().Matches(cell).Select(m => m.Groups[1].Value);

    private static List<string> Words(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var (inWord, quoted) = (false, false);
        foreach (var c in command)
        {
            if (c == '\'')
            {
                (inWord, quoted) = (true, !quoted);
            }
            else if (c == ' ' && !quoted)
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                }

                (word, inWord) = (new StringBuilder(), false);
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex CodeSpan();
}
