using System.Globalization;

namespace LastKnownGood.Services;

/// <summary>One entry of <c>FailureActions</c>: <c>restart/&lt;seconds&gt;</c>, <c>reboot</c>, <c>run/&lt;command&gt;</c> or <c>none</c>.</summary>
public sealed record FailureAction(FailureActionKind Kind, TimeSpan Delay, string? Command)
{
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FailureAction? action)
    {
        var (verb, argument) = text.IndexOf('/') is var slash and >= 0 ? (text[..slash], text[(slash + 1)..]) : (text, null);
        action = verb.ToLowerInvariant() switch
        {
            "restart" when argument is not null && uint.TryParse(argument, CultureInfo.InvariantCulture, out var seconds) =>
                new(FailureActionKind.Restart, TimeSpan.FromSeconds(seconds), null),
            "reboot" when argument is null => new(FailureActionKind.Reboot, TimeSpan.Zero, null),
            "run" when !string.IsNullOrWhiteSpace(argument) => new(FailureActionKind.Run, TimeSpan.Zero, argument),
            "none" when argument is null => new(FailureActionKind.None, TimeSpan.Zero, null),
            _ => null,
        };
        return action is not null;
    }
}
