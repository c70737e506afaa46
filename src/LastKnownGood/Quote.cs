using System.Globalization;

namespace LastKnownGood;

/// <summary>
/// How a message echoes a name or value the user gave: on one line, with control characters
/// written as <c>\uXXXX</c> (a newline or a terminal's escape sequence in a name never reaches
/// the screen as itself), whole when short, else its first <see cref="MaxLength"/> characters
/// and how long it was, so a megabyte of input never comes back as a megabyte of error.
/// </summary>
public static class Quote
{
    /// <summary>The most characters of user input a message repeats, the ellipsis included.</summary>
    public const int MaxLength = 80;

    /// <summary>
    /// <paramref name="text"/> on one line, whole when it shows in at most <see cref="MaxLength"/>
    /// characters, else cut there with an ellipsis and its length.
    /// </summary>
    public static string Short(string text)
    {
        var head = text.Length <= MaxLength ? text : text[..MaxLength];
        var shown = head.Any(char.IsControl)
            ? string.Concat(head.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()))
            : head;
        return shown.Length <= MaxLength && text.Length <= MaxLength
            ? shown
            : string.Create(CultureInfo.InvariantCulture, $"{shown.AsSpan(0, CutAt(shown))}… ({text.Length:N0} characters)");
    }

    /// <summary>Cuts before <see cref="MaxLength"/>, never between the halves of a surrogate pair.</summary>
    private static int CutAt(string text) => char.IsHighSurrogate(text[MaxLength - 2]) ? MaxLength - 2 : MaxLength - 1;
}
