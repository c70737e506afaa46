namespace LastKnownGood;

/// <summary>The Windows names of the stop codes, as a blue screen and <c>!analyze</c> print them.</summary>
public static class BugCheckCodes
{
    public static string Name(BugCheckCode code) => code switch
    {
        BugCheckCode.KmodeExceptionNotHandled => "KMODE_EXCEPTION_NOT_HANDLED",
        BugCheckCode.SystemThreadExceptionNotHandled => "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED",
        BugCheckCode.PageFaultInNonpagedArea => "PAGE_FAULT_IN_NONPAGED_AREA",
        BugCheckCode.BadPoolHeader => "BAD_POOL_HEADER",
        BugCheckCode.BadPoolCaller => "BAD_POOL_CALLER",
        BugCheckCode.DriverCorruptedExpool => "DRIVER_CORRUPTED_EXPOOL",
        BugCheckCode.DriverPageFaultBeyondEndOfAllocation => "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION",
        BugCheckCode.DriverVerifierDetectedViolation => "DRIVER_VERIFIER_DETECTED_VIOLATION",
        BugCheckCode.ThreadStuckInDeviceDriver => "THREAD_STUCK_IN_DEVICE_DRIVER",
        BugCheckCode.CriticalStructureCorruption => "CRITICAL_STRUCTURE_CORRUPTION",
        BugCheckCode.CriticalProcessDied => "CRITICAL_PROCESS_DIED",
        BugCheckCode.BadSystemConfigInfo => "BAD_SYSTEM_CONFIG_INFO",
        BugCheckCode.InaccessibleBootDevice => "INACCESSIBLE_BOOT_DEVICE",
        BugCheckCode.ManuallyInitiatedCrash => "MANUALLY_INITIATED_CRASH",
        _ => $"BUGCHECK_0x{(uint)code:X}",
    };
}
