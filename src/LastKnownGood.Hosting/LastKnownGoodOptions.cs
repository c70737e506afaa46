namespace LastKnownGood.Hosting;

/// <summary>How <see cref="LastKnownGoodHostedService"/> reports the host to lkg.</summary>
public sealed class LastKnownGoodOptions
{
    /// <summary>
    /// Report the boot good (<c>X_LKG_BOOT_OK=1</c>) the first time the health checks pass after the
    /// host has started, so that the boot manager accepts the boot then rather than after
    /// <c>AcceptAfter</c>. Off by default: a machine's other components may not be ready yet.
    /// </summary>
    public bool ReportBootOkWhenHealthy { get; set; }

    /// <summary>
    /// How often the health checks run when no watchdog asks for pings; each run's result is sent
    /// as <c>STATUS=</c>. With a watchdog, they run at half its timeout, as sd_watchdog_enabled(3) advises.
    /// </summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(30);
}
