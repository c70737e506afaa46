namespace LastKnownGood;

/// <summary>The stop codes of DESIGN §9, with Windows' numbers.</summary>
public enum BugCheckCode : uint
{
    KmodeExceptionNotHandled = 0x1E,
    SystemThreadExceptionNotHandled = 0x7E,
    PageFaultInNonpagedArea = 0x50,
    BadPoolHeader = 0x19,
    BadPoolCaller = 0xC2,
    DriverCorruptedExpool = 0xC5,
    DriverPageFaultBeyondEndOfAllocation = 0xD6,
    DriverVerifierDetectedViolation = 0xC4,
    ThreadStuckInDeviceDriver = 0xEA,
    CriticalStructureCorruption = 0x109,
    CriticalProcessDied = 0xEF,
    BadSystemConfigInfo = 0x74,
    InaccessibleBootDevice = 0x7B,
    ManuallyInitiatedCrash = 0xE2,
}
