using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// What the kernel does when a user-mode component (a service or a user-mode driver's host)
/// dies after it started (DESIGN §6): the Nth failure takes <see cref="Actions"/>[N − 1], the
/// last repeating; the count starts again after <see cref="ResetPeriod"/> without a failure.
/// A service without <c>FailureActions</c> is not restarted (Windows' and systemd's default); a
/// user-mode driver is restarted three times, then disabled (DESIGN §10).
/// </summary>
public sealed record FailureActions(IReadOnlyList<FailureAction> Actions, TimeSpan ResetPeriod)
{
    /// <summary>How long a component must run without failing before its count starts again, when <c>ResetPeriod</c> is absent.</summary>
    public static readonly TimeSpan DefaultResetPeriod = TimeSpan.FromMinutes(10);

    private static readonly FailureAction RestartAtOnce = new(FailureActionKind.Restart, TimeSpan.Zero, null);

    private static readonly FailureAction NoAction = new(FailureActionKind.None, TimeSpan.Zero, null);

    public static FailureActions ServiceDefault { get; } = new([NoAction], DefaultResetPeriod);

    public static FailureActions UserModeDriverDefault { get; } = new([RestartAtOnce, RestartAtOnce, RestartAtOnce, NoAction], DefaultResetPeriod);

    /// <summary>The component key's <c>FailureActions</c> and <c>ResetPeriod</c>; either absent (or of the wrong type) is taken from <paramref name="defaults"/>.</summary>
    public static FailureActions Read(KeyNode key, FailureActions defaults)
    {
        IReadOnlyList<FailureAction> actions = key.TryGetValue("FailureActions", out var list) && list.Kind == RegistryValueKind.MultiSz
            ? [.. list.AsMultiString().Select(text => FailureAction.TryParse(text, out var action) ? action : NoAction)]
            : [];
        var reset = key.TryGetValue("ResetPeriod", out var seconds) && seconds.Kind == RegistryValueKind.Dword
            ? TimeSpan.FromSeconds(seconds.AsDword()) : defaults.ResetPeriod;
        return new(actions.Count > 0 ? actions : defaults.Actions, reset);
    }
}
