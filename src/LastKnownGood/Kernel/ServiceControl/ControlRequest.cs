using LastKnownGood.Internal;
using LastKnownGood.Kernel.UserMode;
using LastKnownGood.Machines;

namespace LastKnownGood.Kernel.ServiceControl;

/// <summary>What <c>lkg service start|stop</c> asks of a running kernel.</summary>
public enum ControlVerb
{
    Start,
    Stop,
}

/// <summary>The kernel's answer: a status, the service's process id (0: none), and one sentence for the person who asked.</summary>
public sealed record ControlReply(NtStatus Status, int ProcessId, string Message);

/// <summary>
/// The kernel's control socket (<see cref="MachineDirectory.ControlSocketPath"/>), the one place
/// its requests and replies are written and parsed: one connection per request, in the frames
/// of the user-mode driver protocol. The request is a <see cref="FrameType.ServiceStart"/> or
/// <see cref="FrameType.ServiceStop"/> frame holding the service's name; the reply, a
/// <see cref="FrameType.Reply"/> with the same id holding the status, the process id and the
/// sentence, whatever the status. The kernel answers once the service has started (readiness
/// and Required health checks included) or stopped.
/// </summary>
public static class ControlRequest
{
    /// <summary>Sends one request to the machine's running kernel and waits for its answer.</summary>
    /// <exception cref="IOException">No kernel listens on the machine's control socket, or it closed the connection without an answer.</exception>
    public static ControlReply Send(MachineDirectory machine, ControlVerb verb, string service)
    {
        using var channel = new FrameChannel(UnixConnection.Connect(machine.ControlSocketPath));
        try
        {
            channel.Send(new FrameWriter(verb == ControlVerb.Start ? FrameType.ServiceStart : FrameType.ServiceStop, 1).String(service));
            var frame = channel.Receive() ?? throw new IOException("the kernel closed its control connection without an answer");
            var reader = new FrameReader(frame);
            var reply = frame.Type == FrameType.Reply
                ? new ControlReply(new NtStatus(reader.U32()), (int)reader.U32(), reader.String())
                : throw new ProtocolViolationException($"the kernel answered with a {frame.Type} frame");
            reader.End();
            return reply;
        }
        catch (ProtocolViolationException e)
        {
            throw new IOException($"the kernel's answer cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The request of <paramref name="frame"/>.</summary>
    /// <exception cref="ProtocolViolationException">It is not a request of this socket.</exception>
    internal static (ControlVerb Verb, string Service) Read(Frame frame)
    {
        var verb = frame.Type switch
        {
            FrameType.ServiceStart => ControlVerb.Start,
            FrameType.ServiceStop => ControlVerb.Stop,
            _ => throw new ProtocolViolationException($"the control socket takes ServiceStart and ServiceStop frames, not {frame.Type}"),
        };
        var reader = new FrameReader(frame);
        var service = reader.String();
        reader.End();
        return (verb, service);
    }

    internal static FrameWriter Reply(Frame request, ControlReply reply) =>
        new FrameWriter(FrameType.Reply, request.RequestId).U32(reply.Status.Value).U32((uint)reply.ProcessId).String(reply.Message);
}
