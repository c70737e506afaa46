using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// How a service (<c>Type</c> 0x10) is run (DESIGN §6): the executable of its <c>ImagePath</c>,
/// its <c>Arguments</c>, the <c>NAME=VALUE</c> pairs of <c>Environment</c> added to the kernel's
/// own, its <c>WorkingDirectory</c> (default <c>/</c>, as systemd's), and how it becomes started:
/// with <c>Notify</c> = 1 when it sends <c>READY=1</c> on its <c>NOTIFY_SOCKET</c>, otherwise once
/// it has stayed up for <c>StartTimeout</c> seconds (default 30, Windows' service start timeout).
/// </summary>
public sealed record ServiceProgram(string ImagePath)
{
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public IReadOnlyList<(string Name, string Value)> Environment { get; init; } = [];

    public string WorkingDirectory { get; init; } = "/";

    public bool Notify { get; init; }

    public TimeSpan StartTimeout { get; init; } = DefaultStartTimeout;

    /// <summary><c>StopTimeout</c>: how long it has to exit after SIGTERM before SIGKILL; null: the kernel's <c>ServiceStopTimeout</c>.</summary>
    public TimeSpan? StopTimeout { get; init; }

    /// <summary><c>WatchdogTimeout</c>: how long it may go without sending <c>WATCHDOG=1</c> once started; null: no watchdog unless it sends <c>WATCHDOG_USEC=</c>.</summary>
    public TimeSpan? WatchdogTimeout { get; init; }

    /// <summary><c>Critical</c> = 1: its death after it started is bug check 0xEF.</summary>
    public bool Critical { get; init; }

    /// <summary>What its death after it started leads to: its <c>FailureActions</c> and <c>ResetPeriod</c>.</summary>
    public FailureActions Failure { get; init; } = FailureActions.ServiceDefault;

    /// <summary>The health checks of its <c>Health\</c> key, in name order.</summary>
    public IReadOnlyList<HealthCheck> HealthChecks { get; init; } = [];

    /// <summary>The FILE values of its <c>TrackedFiles\</c> key, by path in name order: written to disk before it starts.</summary>
    public IReadOnlyList<TrackedFile> TrackedFiles { get; init; } = [];

    /// <summary>Reads the service's key; values of the wrong type are taken as absent, as <see cref="ServiceEntry.TryRead"/> does.</summary>
    public static ServiceProgram Read(ServiceEntry entry, KeyNode key, Func<string, KeyNode?> openSubkey) => new(entry.ImagePath)
    {
        Arguments = MultiString(key, "Arguments"),
        Environment = [.. MultiString(key, "Environment").Where(e => e.IndexOf('=') > 0).Select(e => (e[..e.IndexOf('=')], e[(e.IndexOf('=') + 1)..]))],
        WorkingDirectory = key.TryGetValue("WorkingDirectory", out var directory) && directory.Kind == RegistryValueKind.Sz && directory.AsString().Length > 0
            ? directory.AsString() : "/",
        Notify = Dword(key, "Notify") == 1,
        StartTimeout = Seconds(key, "StartTimeout") ?? DefaultStartTimeout,
        StopTimeout = Seconds(key, "StopTimeout"),
        WatchdogTimeout = Seconds(key, "WatchdogTimeout"),
        Critical = Dword(key, "Critical") == 1,
        Failure = FailureActions.Read(key, FailureActions.ServiceDefault),
        HealthChecks = [.. Subkey(key, "Health", openSubkey) is { } health
            ? health.Subkeys.Select(s => s.Name).Order(RegistryNames.Comparer).Select(name => HealthCheck.Read(name, openSubkey($@"Health\{name}") ?? KeyNode.Empty))
            : []],
        TrackedFiles = [.. (Subkey(key, "TrackedFiles", openSubkey)?.Values ?? []).Where(v => v.Value.Kind == RegistryValueKind.File)
            .OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => new TrackedFile(v.Name, v.Value.AsFile()))],
    };

    /// <summary>Opens a subkey the key lists, and only then: a service start asks the hive for no key that is not there.</summary>
    private static KeyNode? Subkey(KeyNode key, string name, Func<string, KeyNode?> openSubkey) =>
        key.TryGetSubkey(name, out _) ? openSubkey(name) : null;

    private static uint? Dword(KeyNode key, string name) =>
        key.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.Dword ? value.AsDword() : null;

    private static TimeSpan? Seconds(KeyNode key, string name) => Dword(key, name) is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null;

    private static IReadOnlyList<string> MultiString(KeyNode key, string name) =>
        key.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.MultiSz ? value.AsMultiString() : [];
}
