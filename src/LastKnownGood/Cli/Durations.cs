using System.Globalization;
using System.Text.RegularExpressions;

namespace LastKnownGood.Cli;

/// <summary>
/// The one duration syntax of the command lines (DESIGN §14): numbers each with a unit (ms, s, m,
/// h, d), largest first or not, such as <c>90s</c>, <c>1h30m</c> or <c>1d</c>; a number alone is
/// seconds, as systemd reads one.
/// </summary>
public static partial class Durations
{
    /// <summary>Timers count milliseconds.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(1);

    /// <summary>Timers take at most 2^31 - 1 milliseconds: a little under 25 days.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(24);

    /// <summary>What a duration option takes, for its error: "takes {Expected}, not …".</summary>
    public const string Expected = "a duration from 1ms to 24 days, such as 90s, 1h30m or 1d";

    /// <summary>Reads <paramref name="text"/>; false unless it is a duration above zero and at most <see cref="Longest"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        var match = Parts().Match(text);
        var seconds = double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare) ? bare
            : match.Success ? Sum(match) : 0;
        duration = seconds >= Shortest.TotalSeconds && seconds <= Longest.TotalSeconds ? TimeSpan.FromSeconds(seconds) : default;
        return duration > TimeSpan.Zero;
    }

    private static double Sum(Match match)
    {
        var seconds = 0.0;
        for (var i = 0; i < match.Groups["number"].Captures.Count; i++)
        {
            seconds += double.Parse(match.Groups["number"].Captures[i].Value, CultureInfo.InvariantCulture) * UnitSeconds(match.Groups["unit"].Captures[i].Value);
        }

        return seconds;
    }

    private static double UnitSeconds(string unit) => unit switch { "ms" => 0.001, "s" => 1, "m" => 60, "h" => 3600, _ => 86400 };

    [GeneratedRegex(@"^(?:(?<number>[0-9]+(?:\.[0-9]+)?)(?<unit>ms|s|m|h|d))+$")]
    private static partial Regex Parts();
}
