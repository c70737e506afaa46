namespace LastKnownGood.Boot;

/// <summary><c>NotifyBootConfigStatus</c>: what a person or a driver says about the running boot.</summary>
public enum BootRequest
{
    /// <summary><c>lkg boot-ok</c> or the SDK's <c>ReportBootOk()</c>: accept now.</summary>
    Ok,

    /// <summary><c>lkg boot-bad</c>: reboot at once into Last Known Good.</summary>
    Bad,

    /// <summary><c>lkg shutdown</c>: stop the kernel cleanly, record the boot as shut down, and end the boot manager.</summary>
    Shutdown,
}
