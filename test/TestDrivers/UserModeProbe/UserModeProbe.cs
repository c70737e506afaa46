using LastKnownGood;

namespace UserModeProbe;

/// <summary>
/// Does what <c>Parameters\Probe</c> says in its user-mode host: <c>services</c> (reads its
/// Parameters and content and logs them), <c>throw-later</c> (a work item throws after the
/// start), <c>throw</c> (DriverEntry throws), <c>refusals</c> (asks, past the SDK, for what a
/// user-mode driver may not do, and logs each status), <c>bugcheck</c>, <c>bench</c> (<see cref="CallBench"/>), and <c>oversized-frame</c>
/// or <c>malformed-frame</c> (writes a bad frame straight to its host's socket, as code in the
/// host process can).
/// </summary>
public sealed class UserModeProbe : IDriver
{
    private IDriverContext? _context;

    public NtStatus DriverEntry(IDriverContext context)
    {
        _context = context;
        var probe = context.QueryParameter("Probe", out var value).IsSuccess ? (string)value! : "services";
        context.Log($"DriverEntry in pid {Environment.ProcessId} with probe {probe}");
        switch (probe)
        {
            case "services":
                context.Log($"Greeting: {(context.QueryParameter("Greeting", out var greeting).IsSuccess ? greeting : "none")}");
                context.Log($"Missing: {context.QueryParameter("Missing", out _)}");
                context.Log($"content: {string.Join(',', context.ContentNames)}");
                return NtStatus.Success;
            case "throw":
                throw new InvalidOperationException("UserModeProbe threw from DriverEntry");
            case "throw-later":
                return context.QueueWorkItem(() => throw new InvalidOperationException("UserModeProbe threw from a work item"));
            case "refusals":
                Refusals.Run(context);
                return NtStatus.Success;
            case "bugcheck":
                context.BugCheck(BugCheckCode.ManuallyInitiatedCrash, 1, 2, 3, 4);
                return NtStatus.Success;
            case "bench":
                CallBench.Run(context);
                return NtStatus.Success;
            case "oversized-frame":
                // A header announcing a payload far over the protocol's limit.
                RawSocket.Write([0xFF, 0xFF, 0xFF, 0x7F, 7, 0, 0, 0, 1, 0, 0, 0]);
                return NtStatus.Success;
            case "malformed-frame":
                // A frame of a type the protocol does not have.
                RawSocket.Write([0, 0, 0, 0, 99, 0, 0, 0, 1, 0, 0, 0]);
                return NtStatus.Success;
            default:
                return NtStatus.Success;
        }
    }

    public void Unload() => _context?.Log("unloaded");
}
