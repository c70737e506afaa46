using System.Collections.Concurrent;

namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// The kernel's end of one host's connection: a thread answers each request with a
/// <see cref="FrameType.Reply"/> (a status, then the request's data only on success), refusing what a user-mode driver may not
/// do; another sends the kernel events the host subscribed to, so the dispatching thread never
/// waits on a host. Any frame that breaks the protocol ends the session with its sentence.
/// </summary>
internal sealed partial class HostSession
{
    /// <summary>Events waiting for a host that does not read are dropped past this many, with a line in the event log.</summary>
    private const int EventBacklog = 1024;

    private readonly IHostServices _kernel;
    private readonly string _driver;
    private readonly FrameChannel _channel;
    private readonly Action<NtStatus> _onStarted;
    private readonly Action<string, bool> _onEnded;
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);
    private readonly BlockingCollection<KernelEvent> _events = new(EventBacklog);
    private readonly Thread _reader;
    private readonly Thread _sender;
    private bool _started;
    private volatile bool _stopRequested;
    private volatile bool _closed;

    /// <summary>
    /// A session for <paramref name="driver"/> on <paramref name="channel"/>, which it owns: it calls
    /// <paramref name="onStarted"/> once with DriverEntry's status, and <paramref name="onEnded"/> once
    /// when the connection ends, with why (end of stream, a socket error, a protocol violation) and whether it was a violation.
    /// </summary>
    public HostSession(IHostServices kernel, string driver, FrameChannel channel, Action<NtStatus> onStarted, Action<string, bool> onEnded)
    {
        _kernel = kernel;
        _driver = driver;
        _channel = channel;
        _onStarted = onStarted;
        _onEnded = onEnded;
        _reader = new Thread(Serve) { IsBackground = true, Name = $"umhost {driver}" };
        _sender = new Thread(SendEvents) { IsBackground = true, Name = $"umhost {driver} events" };
    }

    public void Start()
    {
        _reader.Start();
        _sender.Start();
    }

    /// <summary>
    /// Queues <paramref name="kernelEvent"/> for the host if it subscribed to its type; true when it
    /// did. It never blocks: past <see cref="EventBacklog"/> unread events, the event is dropped,
    /// with a line; unless <paramref name="wait"/> (a pre-flight's replay), which waits for room.
    /// </summary>
    public bool Forward(KernelEvent kernelEvent, bool wait = false)
    {
        lock (_subscribed)
        {
            if (!_subscribed.Contains(kernelEvent.Type))
            {
                return false;
            }
        }

        try
        {
            if (wait)
            {
                _events.Add(kernelEvent);
            }
            else if (!_events.IsAddingCompleted && !_events.TryAdd(kernelEvent))
            {
                _kernel.Log("kernel", $"{_driver}'s host has {EventBacklog} kernel events it has not read; a {kernelEvent.Type} event is dropped");
            }
        }
        catch (InvalidOperationException)
        {
            // The session ended while the event was queued: the host is gone.
        }

        return true;
    }

    /// <summary>Asks the host to unload its driver and exit, after the events queued before the request.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        _events.CompleteAdding();
    }

    /// <summary>Ends the connection; the threads finish on their own.</summary>
    public void Close()
    {
        _events.CompleteAdding();
        _channel.Shutdown();
    }

    private void Serve()
    {
        string ended;
        var violation = false;
        try
        {
            while (_channel.Receive() is { } frame)
            {
                if (frame.Type == FrameType.Started)
                {
                    OnStarted(frame);
                    continue;
                }

                _channel.Send(Answer(frame), frame.RequestId);
            }

            ended = "it closed its connection to the kernel";
        }
        catch (ProtocolViolationException e)
        {
            ended = $"protocol violation: {e.Message}";
            violation = true;
        }
        catch (IOException e)
        {
            ended = $"its connection failed: {e.Message}";
        }

        _events.CompleteAdding();
        _sender.Join();
        _closed = true;
        _channel.Dispose();
        _onEnded(ended, violation);
    }

    private void OnStarted(Frame frame)
    {
        var reader = new FrameReader(frame);
        var status = new NtStatus(reader.U32());
        reader.End();
        if (_started)
        {
            throw new ProtocolViolationException("a second Started frame arrived; DriverEntry runs once per host");
        }

        _started = true;
        _onStarted(status);
    }

    private FrameWriter Answer(Frame frame)
    {
        var reader = new FrameReader(frame);
        var reply = new FrameWriter(FrameType.Reply);
        switch (frame.Type)
        {
            case FrameType.QueryValue:
                QueryValue(reader.String(), reader.String(), reply);
                break;
            case FrameType.SetValue:
                SetValue(reader.String(), reader.String(), reader.U32(), reader.Bytes(), reply);
                break;
            case FrameType.ContentNames:
                var listed = HiveCall.Try(() => _kernel.WithHive((hive, set) => _kernel.Content.Names(hive, set, _driver)), out var names);
                reply.U32(listed.Value);
                if (listed.IsSuccess)
                {
                    reply.Strings(names!);
                }

                break;
            case FrameType.ReadContent:
                ContentReply.Write(_kernel, _driver, reader.String(), reader.U64(), reply);
                break;
            case FrameType.Log:
                _kernel.Log(_driver, reader.String());
                reply.U32(NtStatus.Success.Value);
                break;
            case FrameType.Subscribe:
                lock (_subscribed)
                {
                    _subscribed.Add(reader.String());
                }

                reply.U32(NtStatus.Success.Value);
                break;
            case FrameType.ReportBootOk:
                reply.U32(_kernel.ReportBootOk(_driver).Value);
                break;
            case FrameType.BugCheck:
                var code = reader.U32();
                _ = (reader.U64(), reader.U64(), reader.U64(), reader.U64());
                Refuse(NtStatus.PrivilegeNotHeld, $"bug check 0x{code:X}, since a user-mode driver may not stop the machine", reply);
                break;
            default:
                throw new ProtocolViolationException($"the host sent a {frame.Type} frame, which a host does not send");
        }

        reader.End();
        return reply;
    }

    private void SendEvents()
    {
        foreach (var kernelEvent in _events.GetConsumingEnumerable())
        {
            var frame = new FrameWriter(FrameType.Event).String(kernelEvent.Type).Strings(kernelEvent.Fields);
            if (frame.PayloadLength > Frame.MaxPayload)
            {
                _kernel.Log("kernel", $"a {kernelEvent.Type} event of {frame.PayloadLength} bytes does not fit one frame; {_driver}'s host does not get it");
                continue;
            }

            TrySend(frame);
        }

        if (_stopRequested)
        {
            TrySend(new FrameWriter(FrameType.Stop));
        }
    }

    private void TrySend(FrameWriter frame)
    {
        try
        {
            if (!_closed)
            {
                _channel.Send(frame);
            }
        }
        catch (IOException)
        {
            // The host is gone: the reading thread ends the session with the reason.
        }
    }
}
