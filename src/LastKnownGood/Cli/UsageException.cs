namespace LastKnownGood.Cli;

/// <summary>The command line was used wrongly (exit code 2); the message says how to use it.</summary>
public sealed class UsageException(string message) : Exception(message);
