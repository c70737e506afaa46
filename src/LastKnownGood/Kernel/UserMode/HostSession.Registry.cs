namespace LastKnownGood.Kernel.UserMode;

internal sealed partial class HostSession
{
    private void QueryValue(string path, string name, FrameWriter reply)
    {
        var access = UserModeAccess.Check(path, _driver, _kernel.WithHive((_, set) => set), out var key, out var reason);
        if (!access.IsSuccess)
        {
            Refuse(access, $"a read of {path}: {reason}", reply);
            return;
        }

        var status = HiveCall.Try(() => _kernel.WithHive((hive, set) => hive.OpenKey(set, key!) is { } node && node.TryGetValue(name, out var found) ? found : null), out var value);
        status = status.IsSuccess && value is null ? NtStatus.ObjectNameNotFound : status;
        if (value is not null && value.Data.Length > Frame.MaxPayload - 64)
        {
            Refuse(NtStatus.InsufficientResources, $"{path}\\{name}: its {value.Data.Length} bytes do not fit one frame ({Frame.MaxPayload} bytes)", reply);
            return;
        }

        reply.U32(status.Value);
        if (status.IsSuccess)
        {
            reply.U32((uint)value!.Kind).Bytes(value.Data);
        }
    }

    private void SetValue(string path, string name, uint kind, byte[] data, FrameWriter reply)
    {
        _ = (kind, data);
        var access = UserModeAccess.Check(path, _driver, _kernel.WithHive((_, set) => set), out _, out var reason);
        Refuse(access.IsSuccess ? NtStatus.NotSupported : access,
            access.IsSuccess ? $@"a write of {path}\{name}: drivers cannot write the registry, in kernel mode or in user mode" : $"a write of {path}: {reason}", reply);
    }

    private void Refuse(NtStatus status, string what, FrameWriter reply)
    {
        _kernel.Log("kernel", $"{_driver}: refused {what}: {status}");
        reply.U32(status.Value);
    }
}
