namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// What a frame of the user-mode driver protocol asks or answers (docs/user-mode-drivers.md).
/// A host sends the requests and <see cref="Started"/>; the kernel sends <see cref="Reply"/>,
/// <see cref="Event"/> and <see cref="Stop"/>; the command line sends <see cref="ServiceStart"/>
/// and <see cref="ServiceStop"/> to the kernel's control socket, and the kernel replies. A frame the receiver does not expect is a protocol violation.
/// </summary>
internal enum FrameType : ushort
{
    /// <summary>Host: DriverEntry returned this status.</summary>
    Started = 1,

    /// <summary>Kernel: the answer to the request with the same id: a status, then the request's data.</summary>
    Reply = 2,

    /// <summary>Host: read one value of a key, named by its full registry path.</summary>
    QueryValue = 3,

    /// <summary>Host: write one value; the SDK has no such call, so only its refusals are of use.</summary>
    SetValue = 4,

    /// <summary>Host: the names of the driver's content files.</summary>
    ContentNames = 5,

    /// <summary>Host: one chunk of a content file, from an offset.</summary>
    ReadContent = 6,

    /// <summary>Host: a line for the event log.</summary>
    Log = 7,

    /// <summary>Host: deliver kernel events of a type to this host.</summary>
    Subscribe = 8,

    /// <summary>Host: the SDK's ReportBootOk.</summary>
    ReportBootOk = 9,

    /// <summary>Host: the SDK's BugCheck, which a user-mode driver may not do.</summary>
    BugCheck = 10,

    /// <summary>Kernel: a kernel event the host subscribed to (request id 0).</summary>
    Event = 11,

    /// <summary>Kernel: unload the driver and exit (request id 0).</summary>
    Stop = 12,

    /// <summary>Command line, on the kernel's control socket: start the service named (<see cref="ServiceControl.ControlRequest"/>).</summary>
    ServiceStart = 13,

    /// <summary>Command line, on the kernel's control socket: stop the service named.</summary>
    ServiceStop = 14,
}
