using LastKnownGood.Registry;

namespace LastKnownGood.Recovery;

/// <summary>
/// <c>Control\Recovery</c> of a control set; every value is optional and has the default that
/// DESIGN §8 documents. A value of the wrong type counts as absent.
/// </summary>
public sealed record RecoveryOptions
{
    public static readonly KeyPath KeyPath = KeyPath.Parse(@"Control\Recovery");

    public RecoveryPolicy Policy { get; init; } = RecoveryPolicy.Improved;

    /// <summary>Healthy time, after every component has started, before a boot is accepted.</summary>
    public TimeSpan AcceptAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>False: only <c>lkg boot-ok</c> or the SDK's <c>ReportBootOk()</c> accepts a boot.</summary>
    public bool ReportBootOk { get; init; } = true;

    /// <summary>Classic: consecutive failed boots before the recovery environment boots Last Known Good.</summary>
    public int FailedBootsBeforeRecovery { get; init; } = 2;

    /// <summary>Improved: the most trial boots one bisection takes before it falls back to Last Known Good.</summary>
    public int MaxTrialBoots { get; init; } = 8;

    /// <summary>Control sets kept beyond those <c>Select</c> names.</summary>
    public int History { get; init; } = 16;

    /// <summary>
    /// The largest content file (a <c>FILE</c> value, <c>lkg content push</c>) a write accepts, in
    /// bytes; checked before the file is read and again while it is read.
    /// </summary>
    public long MaxContentSize { get; init; } = DefaultMaxContentSize;

    public const long DefaultMaxContentSize = 256 * 1024 * 1024;

    /// <summary>Improved: how many of its newest real events the kernel keeps per component for a content pre-flight to replay (0 keeps none).</summary>
    public int PreflightEvents { get; init; } = 1000;

    public const int MaxPreflightEvents = 100_000;

    /// <summary>Improved: the directory or http(s) URL the recovery environment asks for remediation packages when Last Known Good failed too; empty asks none.</summary>
    public string RemediationSource { get; init; } = "";

    /// <summary>Improved: how long the recovery environment waits between two asks of its source.</summary>
    public TimeSpan RemediationRetry { get; init; } = TimeSpan.FromSeconds(1800);

    public static RecoveryOptions Read(Hive hive, int controlSet) =>
        From(controlSet == 0 ? null : hive.OpenKey(controlSet, KeyPath));

    public static RecoveryOptions From(KeyNode? recovery)
    {
        var options = new RecoveryOptions();
        if (recovery is null)
        {
            return options;
        }

        return options with
        {
            Policy = String(nameof(Policy)) is { } policy && Enum.TryParse<RecoveryPolicy>(policy, ignoreCase: true, out var parsed) ? parsed : options.Policy,
            AcceptAfter = Dword(nameof(AcceptAfter)) is { } seconds ? TimeSpan.FromSeconds(seconds) : options.AcceptAfter,
            ReportBootOk = Dword(nameof(ReportBootOk)) is { } report ? report != 0 : options.ReportBootOk,
            FailedBootsBeforeRecovery = Dword(nameof(FailedBootsBeforeRecovery)) is { } failed ? (int)Math.Clamp(failed, 1, 100) : options.FailedBootsBeforeRecovery,
            MaxTrialBoots = Dword(nameof(MaxTrialBoots)) is { } trials ? (int)Math.Clamp(trials, 1, 64) : options.MaxTrialBoots,
            History = Dword(nameof(History)) is { } history ? (int)Math.Min(history, 999) : options.History,
            MaxContentSize = Dword(nameof(MaxContentSize)) is { } max and > 0 ? max : options.MaxContentSize,
            PreflightEvents = Dword(nameof(PreflightEvents)) is { } events ? (int)Math.Min(events, MaxPreflightEvents) : options.PreflightEvents,
            RemediationSource = String(nameof(RemediationSource)) ?? options.RemediationSource,
            RemediationRetry = Dword(nameof(RemediationRetry)) is { } retry and > 0 ? TimeSpan.FromSeconds(retry) : options.RemediationRetry,
        };

        uint? Dword(string name) => recovery.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.Dword ? value.AsDword() : null;

        string? String(string name) => recovery.TryGetValue(name, out var value) && value.Kind == RegistryValueKind.Sz ? value.AsString() : null;
    }
}
