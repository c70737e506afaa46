using System.Text;

namespace LastKnownGood.Cli;

/// <summary>
/// <c>lkg service create --command "…"</c>: one line split into an executable and its arguments,
/// with quotes as a shell would read them but nothing else of a shell. Words are separated by
/// spaces or tabs; <c>'…'</c> keeps everything inside as it is; <c>"…"</c> does too, except that a
/// backslash before <c>"</c> or <c>\</c> stands for that character; outside quotes a backslash
/// makes the next character part of the word. No variables, globs, pipes or redirections.
/// <see cref="Join"/> writes words back so that <see cref="Split"/> gives them again.
/// </summary>
internal static class CommandWords
{
    /// <exception cref="UsageException">A quote is not closed, a backslash ends the line, or there is no word.</exception>
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    continue;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    word.Append(line, i + 1, (close < 0 ? throw Unclosed('\'') : close) - i - 1);
                    i = close;
                    break;
                case '"':
                    i = ReadDoubleQuoted(line, i + 1, word);
                    break;
                case '\\':
                    word.Append(++i < line.Length ? line[i] : throw new UsageException("--command ends with a backslash; put the character it stands for after it, or quote the word."));
                    break;
                default:
                    word.Append(c);
                    break;
            }

            inWord = true;
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.Count > 0 ? words : throw new UsageException("--command is empty; give the executable and its arguments, such as --command \"/usr/bin/python3 -m http.server 8080\".");
    }

    /// <summary>The words as one line that <see cref="Split"/> reads back: a word with a space, a quote or a backslash, or an empty one, in single quotes.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(w =>
        w.Length > 0 && !w.Any(c => c is ' ' or '\t' or '\'' or '"' or '\\') ? w : $"'{w.Replace("'", "'\\''", StringComparison.Ordinal)}'"));

    /// <summary>Reads a double-quoted part from <paramref name="start"/>, just after its quote; returns the index of its closing quote.</summary>
    private static int ReadDoubleQuoted(string line, int start, StringBuilder word)
    {
        for (var i = start; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                return i;
            }

            if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
            {
                i++;
            }

            word.Append(line[i]);
        }

        throw Unclosed('"');
    }

    private static UsageException Unclosed(char quote) =>
        new($"--command has a {quote} that is not closed; close it, or put a backslash before a quote that is part of a word.");
}
