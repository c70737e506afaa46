using System.Globalization;
using System.Text.RegularExpressions;

namespace LastKnownGood.Boot;

/// <summary>
/// How the kernel prints an event log line on its standard error, <c>04:09:27.012 Sensor: message</c>.
/// The boot manager reads a dead kernel's standard error back: the lines in this form are in the
/// event log already, the others (the runtime's fatal error and stack) are not.
/// </summary>
public static partial class EventLine
{
    public static string Format(DateTimeOffset time, string component, string message) =>
        // HH:mm:ss.fff from the numbers: a custom date format string costs milliseconds on its first use, at every boot.
        string.Create(CultureInfo.InvariantCulture, $"{time.Hour:D2}:{time.Minute:D2}:{time.Second:D2}.{time.Millisecond:D3} {component}: {message}");

    /// <summary>Whether <paramref name="line"/> is in the form <see cref="Format"/> writes.</summary>
    public static bool IsLine(string line) => Pattern().IsMatch(line);

    [GeneratedRegex(@"^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} \S+: ")]
    private static partial Regex Pattern();
}
