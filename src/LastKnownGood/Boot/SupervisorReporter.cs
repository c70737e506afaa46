using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery.Remediation;
using LastKnownGood.Internal;
using LastKnownGood.Registry;

namespace LastKnownGood.Boot;

/// <summary>
/// The boot manager under systemd (docs/systemd.md): every step it reports also goes to its own
/// supervisor by the notify protocol, then to the reporter it wraps. <c>READY=1</c> once the first
/// boot is up (or the machine halts, waiting for a person), <c>STATUS=</c> at every step,
/// <c>WATCHDOG=1</c> every half of <c>WATCHDOG_USEC</c>, <c>STOPPING=1</c> from <see cref="Stopping"/>.
/// A message the supervisor does not take is warned of once; the boot manager goes on. Like every
/// reporter, it never throws.
/// </summary>
public sealed class SupervisorReporter : IBootReporter, IDisposable
{
    private readonly IBootReporter _inner;
    private readonly SupervisorNotify _notify;
    private readonly ITimer? _watchdog;
    private readonly Lock _gate = new();
    private bool _disposed;
    private int _ready;
    private int _stopping;
    private int _refused;

    private SupervisorReporter(IBootReporter inner, SupervisorNotify notify, TimeProvider time)
    {
        _inner = inner;
        _notify = notify;
        if (notify.WatchdogInterval is { } interval)
        {
            // Fed from the start: systemd's watchdog runs while a Type=notify service is still starting.
            _watchdog = time.CreateTimer(_ => Send("WATCHDOG=1"), null, TimeSpan.Zero, interval);
        }
    }

    /// <summary>
    /// A reporter that also tells the supervisor, or null when <c>NOTIFY_SOCKET</c> is unset: then
    /// nothing but that one variable was read. A <c>NOTIFY_SOCKET</c> that cannot be used is
    /// warned of through <paramref name="inner"/>.
    /// </summary>
    public static SupervisorReporter? FromEnvironment(IBootReporter inner, TimeProvider time)
    {
        var notify = SupervisorNotify.FromEnvironment(out var problem);
        if (problem is not null)
        {
            inner.Warning($"The boot manager's supervisor is not told how boots go: {problem}.");
        }

        return notify is null ? null : new SupervisorReporter(inner, notify, time);
    }

    public void Recovered(BootRecord boot)
    {
        Status(boot, $"{BootNames.Name(boot.Outcome)} (left running by a boot manager that died)");
        _inner.Recovered(boot);
    }

    public void Starting(BootRecord boot)
    {
        Status(boot, "starting");
        _inner.Starting(boot);
    }

    public void Ready(BootRecord boot)
    {
        Send($"{ReadyOnce()}STATUS={Describe(boot)}: every component has started");
        _inner.Ready(boot);
    }

    public void Accepted(BootRecord boot)
    {
        Status(boot, "accepted");
        _inner.Accepted(boot);
    }

    public void Ended(BootRecord boot, CrashRecord? crash)
    {
        Status(boot, crash is null ? $"ended, {BootNames.Name(boot.Outcome)}" : $"ended, {BootNames.Name(boot.Outcome)} {crash.Name}");
        _inner.Ended(boot, crash);
    }

    public void Warning(string message) => _inner.Warning(message);

    /// <summary>Like a halt, the boot manager has settled: it waits, for a remediation package or a person.</summary>
    public void Remediating(BootRecord boot, string source, TimeSpan retry)
    {
        Send($"{ReadyOnce()}STATUS={Describe(boot)}: asking {source} for a remediation package");
        _inner.Remediating(boot, source, retry);
    }

    public void Remediated(RemediationRecord remediation)
    {
        Send($"STATUS=remediation {remediation.Name}: {Remediations.Name(remediation.Outcome)}");
        _inner.Remediated(remediation);
    }

    /// <summary>Halted, the boot manager has settled: it waits for a person, so its start is over too.</summary>
    public void Halted(string reason)
    {
        Send($"{ReadyOnce()}STATUS=halted: {reason}");
        _inner.Halted(reason);
    }

    /// <summary><c>STOPPING=1</c>, once: the boot manager has begun to shut the machine down and will exit.</summary>
    public void Stopping()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            Send("STOPPING=1");
        }
    }

    public void Dispose()
    {
        _watchdog?.Dispose();
        lock (_gate)
        {
            // A ping already under way must not send on a descriptor closed here, and perhaps reused.
            _disposed = true;
            _notify.Dispose();
        }
    }

    /// <summary>The status line of a boot: "boot 3 (normal, ControlSet002)".</summary>
    private static string Describe(BootRecord boot) => $"boot {boot.Number} ({BootNames.Name(boot.Mode)}, {ControlSetInfo.FormatName(boot.ControlSet)})";

    private void Status(BootRecord boot, string state) => Send($"STATUS={Describe(boot)}: {state}");

    private string ReadyOnce() => Interlocked.Exchange(ref _ready, 1) == 0 ? "READY=1\n" : "";

    private void Send(string message)
    {
        string? refused;
        lock (_gate)
        {
            refused = _disposed ? null : _notify.Send(message);
        }

        if (refused is not null && Interlocked.Exchange(ref _refused, 1) == 0)
        {
            _inner.Warning($"The boot manager's supervisor is not told how boots go: {refused}; the boots go on.");
        }
    }
}
