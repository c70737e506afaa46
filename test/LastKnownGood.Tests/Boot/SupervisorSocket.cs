using System.Net.Sockets;
using System.Text;

namespace LastKnownGood.Tests.Boot;

/// <summary>
/// What systemd is to a Type=notify service, as far as the notify protocol goes: a bound
/// Unix-domain datagram socket whose name is the child's <c>NOTIFY_SOCKET</c>, and every message
/// that arrives on it, in order.
/// </summary>
internal sealed class SupervisorSocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<string> _messages = [];

    /// <param name="name">A path, or an abstract name written <c>@name</c> as systemd writes it.</param>
    public SupervisorSocket(string name)
    {
        Name = name;
        // .NET spells an abstract name with a leading NUL where systemd writes '@'.
        _socket.Bind(new UnixDomainSocketEndPoint(name.StartsWith('@') ? "\0" + name[1..] : name));
    }

    /// <summary>The value for <c>NOTIFY_SOCKET</c>.</summary>
    public string Name { get; }

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<string> Messages => _messages;

    /// <summary>Receives messages until one that <paramref name="match"/> accepts; throws with what came when none does in time.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                var message = Encoding.UTF8.GetString(buffer, 0, received);
                _messages.Add(message);
                if (match(message))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No such notify message within {timeout}; the messages were: {string.Join(" | ", _messages)}");
        }
    }

    /// <summary>The messages with <paramref name="assignment"/> as one of their lines.</summary>
    public int Count(string assignment) => _messages.Count(m => m.Split('\n').Contains(assignment));

    public void Dispose()
    {
        _socket.Dispose();
        if (!Name.StartsWith('@'))
        {
            File.Delete(Name);
        }
    }
}
