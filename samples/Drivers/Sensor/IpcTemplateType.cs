namespace Sensor;

/// <summary>
/// The IPC template type: the inputs a template instance of channel file 291 matches against.
/// It declares 21 fields. The code that calls the interpreter supplies 20 of them (the kernel's
/// IPC events carry 20 values): the 21st was added to the type without a caller to fill it.
/// </summary>
public static class IpcTemplateType
{
    public const int DeclaredFields = 21;

    public static readonly IReadOnlyList<string> FieldNames =
    [
        "transport", "endpoint", "pid", "uid", "gid", "process", "executable", "parent_pid", "session", "cgroup",
        "direction", "socket_type", "protocol", "inode", "backlog", "flags", "boot", "control_set", "component", "sequence",
        "remote_endpoint",
    ];
}
