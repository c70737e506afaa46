using System.CommandLine;
using System.CommandLine.Parsing;

namespace LastKnownGood.Cli;

/// <summary>
/// A command line that does not parse, said as one sentence (DESIGN §14): every error the parser
/// found, the word it did not know first with the nearest word it would have known, and the
/// missing subcommand last, since it is most often a consequence of the others.
/// </summary>
internal static class ParseErrors
{
    private const string NoCommand = "Required command was not provided";

    private const string Unrecognized = "Unrecognized command or argument";

    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var unknown = result.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        var texts = result.Errors.Select(e => Rewrite(e, command, unknown)).ToList();
        // A word it did not know where a subcommand belongs also leaves the subcommand missing: one problem, said once.
        if (texts.Any(t => t.StartsWith(Unrecognized, StringComparison.Ordinal)))
        {
            texts.RemoveAll(t => t.StartsWith(NoCommand, StringComparison.Ordinal));
        }

        var parts = texts
            .OrderBy(text => text.StartsWith(NoCommand, StringComparison.Ordinal) ? 2 : text.StartsWith(Unrecognized, StringComparison.Ordinal) ? 0 : 1)
            .Distinct(StringComparer.Ordinal)
            .Select((text, i) => i == 0 ? text : LowerFirst(text));
        return $"{string.Join("; ", parts)}; run {Path(command)} --help for usage.";
    }

    private static string Rewrite(ParseError error, Command command, HashSet<string> unknown)
    {
        var text = OneLine(error.Message).TrimEnd('.');
        if (error.SymbolResult is ArgumentResult { Argument: var argument, Tokens: [var token, ..] } && IsNumber(argument.ValueType))
        {
            return $"<{argument.HelpName ?? argument.Name}> takes a whole number, not \"{Quote.Short(token.Value)}\"";
        }

        var word = unknown.FirstOrDefault(w => text.Contains($"'{w}'", StringComparison.Ordinal));
        return word is not null && Nearest(word, command) is { } suggestion ? $"{text} (did you mean {suggestion}?)" : text;
    }

    private static bool IsNumber(Type type) => (Nullable.GetUnderlyingType(type) ?? type) == typeof(int) || (Nullable.GetUnderlyingType(type) ?? type) == typeof(long);

    /// <summary>The subcommand or option of <paramref name="command"/> nearest to <paramref name="word"/>: at most a third of its letters wrong (two for a short word), dashes aside.</summary>
    private static string? Nearest(string word, Command command)
    {
        var bare = word.TrimStart('-');
        var names = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name))
            .Concat(OptionsOf(command).SelectMany(o => o.Aliases.Prepend(o.Name)));
        return names
            .Select(name => (Name: name, Distance: Distance(bare, name.TrimStart('-'))))
            .Where(n => n.Distance <= Math.Max(2, bare.Length / 3) && n.Distance < n.Name.TrimStart('-').Length)
            .OrderBy(n => n.Distance)
            .ThenBy(n => n.Name, StringComparer.Ordinal)
            .Select(n => n.Name)
            .FirstOrDefault();
    }

    /// <summary>The command's own options and those its parents give to every subcommand (<c>--machine</c>, <c>--json</c>, <c>--help</c>).</summary>
    private static IEnumerable<Option> OptionsOf(Command command) =>
        command.Options.Concat(Ancestors(command).SelectMany(a => a.Options.Where(o => o.Recursive))).Where(o => !o.Hidden);

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = Parent(command); parent is not null; parent = Parent(parent))
        {
            yield return parent;
        }
    }

    private static Command? Parent(Command command) => command.Parents.OfType<Command>().FirstOrDefault();

    /// <summary>Levenshtein distance, case-insensitively.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>How the user typed the command: <c>lkg</c>, <c>lkg controlset</c>.</summary>
    private static string Path(Command command) => Parent(command) is { } parent ? $"{Path(parent)} {command.Name}" : "lkg";

    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    /// <summary>System.CommandLine lists the allowed values on lines of their own; an error is one line.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
