namespace LastKnownGood;

/// <summary>
/// A 32-bit status code laid out as Windows' NTSTATUS: the top two bits are the severity
/// (success, informational, warning, error). Every SDK call returns one; none throws.
/// </summary>
public readonly record struct NtStatus(uint Value)
{
    public static readonly NtStatus Success = new(0x00000000);
    public static readonly NtStatus Unsuccessful = new(0xC0000001);
    public static readonly NtStatus AccessDenied = new(0xC0000022);
    public static readonly NtStatus ObjectNameInvalid = new(0xC0000033);
    public static readonly NtStatus ObjectNameNotFound = new(0xC0000034);
    public static readonly NtStatus ObjectNameCollision = new(0xC0000035);
    public static readonly NtStatus ObjectTypeMismatch = new(0xC0000024);
    public static readonly NtStatus InvalidParameter = new(0xC000000D);
    public static readonly NtStatus PrivilegeNotHeld = new(0xC0000061);
    public static readonly NtStatus RegistryCorrupt = new(0xC000014C);
    public static readonly NtStatus InsufficientResources = new(0xC000009A);
    public static readonly NtStatus DataError = new(0xC000003E);
    public static readonly NtStatus InvalidImageHash = new(0xC0000428);
    public static readonly NtStatus NotSupported = new(0xC00000BB);
    public static readonly NtStatus Timeout = new(0x00000102);

    /// <summary>An operation did not complete in its time (a store busy past its timeout): unlike <see cref="Timeout"/>, a failure.</summary>
    public static readonly NtStatus IoTimeout = new(0xC00000B5);
    public static readonly NtStatus InvalidDeviceState = new(0xC0000184);

    /// <summary>The disk holding a store has no space left: writes fail until space is freed.</summary>
    public static readonly NtStatus DiskFull = new(0xC000007F);

    /// <summary>A store is on a read-only file system: writes fail until it is mounted read-write.</summary>
    public static readonly NtStatus MediaWriteProtected = new(0xC00000A2);

    /// <summary>The device under a store failed a read or write (EIO).</summary>
    public static readonly NtStatus IoDeviceError = new(0xC0000185);

    /// <summary>
    /// A component did not start because one it depends on did not (Windows' SCM: error 1068,
    /// ERROR_SERVICE_DEPENDENCY_FAIL). NTSTATUS has no code of its own for it; this is the Win32
    /// error carried as NTSTATUS_FROM_WIN32 does: facility 7 (FACILITY_NTWIN32), severity error.
    /// </summary>
    public static readonly NtStatus ServiceDependencyFail = new(0xC007042C);

    /// <summary>A service did not report ready within its start timeout (ERROR_SERVICE_REQUEST_TIMEOUT, 1053, as NTSTATUS_FROM_WIN32).</summary>
    public static readonly NtStatus ServiceRequestTimeout = new(0xC007041D);

    /// <summary>A service's process ended before it was ready (ERROR_PROCESS_ABORTED, 1067, as NTSTATUS_FROM_WIN32).</summary>
    public static readonly NtStatus ProcessAborted = new(0xC007042B);

    public NtStatusSeverity Severity => (NtStatusSeverity)(Value >> 30);

    /// <summary>True for success and informational codes, as NT_SUCCESS is.</summary>
    public bool IsSuccess => Severity is NtStatusSeverity.Success or NtStatusSeverity.Informational;

    public bool IsError => Severity == NtStatusSeverity.Error;

    /// <summary>The Windows symbol for a well-known code, else null.</summary>
    public string? Name => Value switch
    {
        0x00000000 => "STATUS_SUCCESS",
        0x00000102 => "STATUS_TIMEOUT",
        0xC0000001 => "STATUS_UNSUCCESSFUL",
        0xC000000D => "STATUS_INVALID_PARAMETER",
        0xC0000022 => "STATUS_ACCESS_DENIED",
        0xC0000024 => "STATUS_OBJECT_TYPE_MISMATCH",
        0xC0000033 => "STATUS_OBJECT_NAME_INVALID",
        0xC0000034 => "STATUS_OBJECT_NAME_NOT_FOUND",
        0xC0000035 => "STATUS_OBJECT_NAME_COLLISION",
        0xC000003E => "STATUS_DATA_ERROR",
        0xC0000061 => "STATUS_PRIVILEGE_NOT_HELD",
        0xC000007F => "STATUS_DISK_FULL",
        0xC000009A => "STATUS_INSUFFICIENT_RESOURCES",
        0xC00000A2 => "STATUS_MEDIA_WRITE_PROTECTED",
        0xC00000B5 => "STATUS_IO_TIMEOUT",
        0xC00000BB => "STATUS_NOT_SUPPORTED",
        0xC000014C => "STATUS_REGISTRY_CORRUPT",
        0xC0000184 => "STATUS_INVALID_DEVICE_STATE",
        0xC0000185 => "STATUS_IO_DEVICE_ERROR",
        0xC0000428 => "STATUS_INVALID_IMAGE_HASH",
        0xC007041D => "ERROR_SERVICE_REQUEST_TIMEOUT",
        0xC007042B => "ERROR_PROCESS_ABORTED",
        0xC007042C => "ERROR_SERVICE_DEPENDENCY_FAIL",
        _ => null,
    };

    public override string ToString() => Name is { } name ? $"{name} (0x{Value:X8})" : $"0x{Value:X8}";
}
