using LastKnownGood.Boot;
using LastKnownGood.Diagnostics;
using LastKnownGood.Recovery.Remediation;

namespace LastKnownGood.Cli.Demo;

/// <summary>
/// Lets the boot manager run one boot: when it ends, <paramref name="stop"/> is cancelled, so the
/// boot manager boots nothing more. Silent: the demo prints its own table.
/// </summary>
internal sealed class FirstBootReporter(CancellationTokenSource stop) : IBootReporter
{
    private readonly List<string> _warnings = [];

    /// <summary>The first boot, with its outcome, once it has ended.</summary>
    public BootRecord? Ended { get; private set; }

    /// <summary>What the boot manager warned of (a busy hive, a dump that could not be written).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    void IBootReporter.Recovered(BootRecord boot)
    {
    }

    void IBootReporter.Starting(BootRecord boot)
    {
    }

    void IBootReporter.Ready(BootRecord boot)
    {
    }

    void IBootReporter.Accepted(BootRecord boot)
    {
    }

    void IBootReporter.Ended(BootRecord boot, CrashRecord? crash)
    {
        Ended ??= boot;
        stop.Cancel();
    }

    void IBootReporter.Warning(string message) => _warnings.Add(message);

    void IBootReporter.Remediating(BootRecord boot, string source, TimeSpan retry)
    {
    }

    void IBootReporter.Remediated(RemediationRecord remediation)
    {
    }

    void IBootReporter.Halted(string reason)
    {
    }
}
