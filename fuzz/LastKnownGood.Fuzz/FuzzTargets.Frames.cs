using LastKnownGood.Kernel.ServiceControl;
using LastKnownGood.Kernel.UserMode;

namespace LastKnownGood.Fuzz;

public static partial class FuzzTargets
{
    /// <summary>
    /// A stream of user-mode driver protocol frames, as the kernel and a host read them: each
    /// frame parses or is refused as a protocol violation; a parsed one is as long as its header
    /// says, within the limit, and written again byte for byte; its payload's fields are read the
    /// way the requests and events read them, and refused only as violations; and it is read as
    /// the kernel's control socket reads a request.
    /// </summary>
    public static void Frames(byte[] input)
    {
        var rest = input.AsSpan();
        while (true)
        {
            Frame? frame;
            int size;
            try
            {
                frame = Frame.TryParse(rest, out size);
            }
            catch (ProtocolViolationException e)
            {
                Require(e.Message.Length is > 0 and < 200 && !e.Message.Contains('\n'), $"A frame refusal is not one short sentence: {e.Message}");
                return;
            }

            if (frame is null)
            {
                Require(size == 0, "An incomplete frame reported a size.");
                return;
            }

            Require(size == Frame.HeaderSize + frame.Payload.Length && size <= Frame.MaxSize, "A parsed frame's size is not its header and payload.");
            Require(WrittenAgain(frame).SequenceEqual(rest[..size]), "A parsed frame is written back as other bytes.");
            ReadFields(frame);
            ReadControlRequest(frame);
            rest = rest[size..];
        }
    }

    private static byte[] WrittenAgain(Frame frame)
    {
        var bytes = new byte[Frame.HeaderSize + frame.Payload.Length];
        Frame.WriteHeader(bytes, frame.Type, frame.RequestId, frame.Payload.Length);
        frame.Payload.CopyTo(bytes, Frame.HeaderSize);
        return bytes;
    }

    /// <summary>As the kernel's control socket reads a request: a service start or stop naming the service, or a refusal of one line.</summary>
    private static void ReadControlRequest(Frame frame)
    {
        try
        {
            var (verb, service) = ControlRequest.Read(frame);
            Require(frame.Type == (verb == ControlVerb.Start ? FrameType.ServiceStart : FrameType.ServiceStop), $"A {frame.Type} frame was read as a request to {verb}.");
            Require(frame.Payload.Length == sizeof(uint) + System.Text.Encoding.UTF8.GetByteCount(service), "A control request's name is not its whole payload.");
        }
        catch (ProtocolViolationException e)
        {
            Require(e.Message.Length is > 0 and < 200 && !e.Message.Contains('\n'), $"A control request's refusal is not one short sentence: {e.Message}");
        }
    }

    /// <summary>Each field reader in turn, choosing by the payload's first byte, until the payload ends or is refused.</summary>
    private static void ReadFields(Frame frame)
    {
        try
        {
            var reader = new FrameReader(frame);
            var choice = frame.Payload.Length > 0 ? frame.Payload[0] : 0;
            switch (choice % 5)
            {
                case 0:
                    _ = (reader.String(), reader.Strings());
                    break;
                case 1:
                    _ = (reader.String(), reader.String(), reader.U32(), reader.Bytes());
                    break;
                case 2:
                    _ = (reader.U32(), reader.U64(), reader.U64(), reader.U64(), reader.U64());
                    break;
                case 3:
                    _ = (reader.U32(), reader.U64(), reader.Bytes());
                    break;
                default:
                    _ = (reader.String(), reader.U64());
                    break;
            }

            reader.End();
        }
        catch (ProtocolViolationException e)
        {
            Require(e.Message.StartsWith($"a {frame.Type} frame has ", StringComparison.Ordinal), $"A payload refusal does not name its frame: {e.Message}");
        }
    }
}
