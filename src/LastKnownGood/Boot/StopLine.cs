using System.Globalization;
using System.Text.RegularExpressions;

namespace LastKnownGood.Boot;

/// <summary>
/// The line a kernel that writes its own crash record prints to standard error,
/// <c>*** STOP: 0x00000050 (PAGE_FAULT_IN_NONPAGED_AREA) Sensor: … [crash 3]</c>. When the record
/// could not be written either, the boot manager reads the stop code and component back from it.
/// </summary>
public static partial class StopLine
{
    public static string Format(BugCheckCode code, string? component, string message, long crashId) =>
        $"*** STOP: 0x{(uint)code:X8} ({BugCheckCodes.Name(code)}) {component ?? Kernel}: {message} [crash {crashId}]";

    /// <summary>The last stop line in <paramref name="standardError"/>: its code and component (null for the kernel).</summary>
    public static bool TryParse(string standardError, out BugCheckCode code, out string? component)
    {
        var match = Pattern().Match(standardError);
        code = match.Success ? (BugCheckCode)uint.Parse(match.Groups[1].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : default;
        component = match.Success && match.Groups[2].Value != Kernel ? match.Groups[2].Value : null;
        return match.Success;
    }

    /// <summary>What a stop line names when the kernel's own code failed.</summary>
    private const string Kernel = "kernel";

    [GeneratedRegex(@"\*\*\* STOP: 0x([0-9A-F]{8}) \([A-Z0-9_]+\) (\S+):", RegexOptions.RightToLeft)]
    private static partial Regex Pattern();
}
