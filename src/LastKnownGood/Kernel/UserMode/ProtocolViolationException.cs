namespace LastKnownGood.Kernel.UserMode;

/// <summary>
/// A peer broke the user-mode driver protocol: a frame over the limit, of an unknown or
/// unexpected type, or whose payload does not hold what its type says. The message is one
/// sentence saying which; the connection ends, which for a host is a host crash.
/// </summary>
internal sealed class ProtocolViolationException(string message) : Exception(message);
