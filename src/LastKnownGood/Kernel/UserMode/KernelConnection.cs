using System.Collections.Concurrent;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// A host's end of its connection to the kernel. One call at a time is outstanding: a caller
/// sends its request and waits for the reply with the same id, which the reading thread hands
/// over; kernel events go to a thread of their own, in order; <see cref="FrameType.Stop"/> calls
/// <paramref name="onStop"/> on that thread once the events that came before it are handled. A frame that breaks the protocol, or the kernel closing the
/// connection, calls <paramref name="onBroken"/>, which ends the host.
/// </summary>
internal sealed class KernelConnection(FrameChannel channel, Action<KernelEvent> onEvent, Action onStop, Action<string> onBroken)
{
    private readonly Lock _call = new();
    private readonly ManualResetEventSlim _replied = new();
    private readonly BlockingCollection<KernelEvent> _events = [];
    private uint _lastId;
    private Frame? _reply;

    public FrameChannel Channel => channel;

    public void Start()
    {
        new Thread(Read) { IsBackground = true, Name = "kernel connection" }.Start();
        new Thread(() =>
        {
            foreach (var kernelEvent in _events.GetConsumingEnumerable())
            {
                onEvent(kernelEvent);
            }

            onStop();
        })
        { IsBackground = true, Name = "kernel events" }.Start();
    }

    /// <summary>Sends a frame that needs no reply (<see cref="FrameType.Started"/>).</summary>
    public void Send(FrameWriter frame)
    {
        try
        {
            channel.Send(frame);
        }
        catch (IOException e)
        {
            onBroken($"the connection to the kernel failed: {e.Message}");
        }
    }

    /// <summary>Sends <paramref name="request"/> and returns the kernel's reply to it.</summary>
    public Frame Call(FrameWriter request)
    {
        lock (_call)
        {
            var id = ++_lastId;
            _replied.Reset();
            try
            {
                channel.Send(request, id);
            }
            catch (IOException e)
            {
                return Broken($"the connection to the kernel failed: {e.Message}");
            }

            _replied.Wait();
            return _reply is { } reply && reply.RequestId == id ? reply : Broken($"the kernel's reply has request id {_reply?.RequestId}, not {id}");
        }
    }

    private void Read()
    {
        try
        {
            while (channel.Receive() is { } frame)
            {
                switch (frame.Type)
                {
                    case FrameType.Reply:
                        _reply = frame;
                        _replied.Set();
                        break;
                    case FrameType.Event:
                        var reader = new FrameReader(frame);
                        var kernelEvent = new KernelEvent(reader.String(), reader.Strings());
                        reader.End();
                        if (_events.IsAddingCompleted)
                        {
                            throw new ProtocolViolationException("the kernel sent an event after Stop");
                        }

                        _events.Add(kernelEvent);
                        break;
                    case FrameType.Stop:
                        _events.CompleteAdding();
                        break;
                    default:
                        throw new ProtocolViolationException($"the kernel sent a {frame.Type} frame, which the kernel does not send to a host");
                }
            }

            onBroken("the kernel closed the connection");
        }
        catch (ProtocolViolationException e)
        {
            onBroken($"protocol violation: {e.Message}");
        }
        catch (IOException e)
        {
            onBroken($"the connection to the kernel failed: {e.Message}");
        }
    }

    private Frame Broken(string why)
    {
        onBroken(why);
        throw new ProtocolViolationException(why);
    }
}
