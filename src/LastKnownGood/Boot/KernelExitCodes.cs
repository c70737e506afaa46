namespace LastKnownGood.Boot;

/// <summary>How a kernel process ends; the boot manager reads these (DESIGN §3, §7, §9).</summary>
public static class KernelExitCodes
{
    /// <summary>Shut down when asked.</summary>
    public const int Shutdown = 0;

    /// <summary>A bug check: the crash record is in the machine's crash log.</summary>
    public const int BugCheck = 66;

    /// <summary>A Severe or Critical start failure in a normal boot: reboot with Last Known Good.</summary>
    public const int RebootWithLastKnownGood = 67;

    /// <summary>A Critical component failed to start in a Last Known Good boot: recovery goes on to safe mode.</summary>
    public const int FailedBoot = 68;

    /// <summary>A service's <c>FailureActions</c> said <c>reboot</c>: the components were stopped, and the boot manager boots again.</summary>
    public const int Reboot = 69;
}
