namespace LastKnownGood.Boot;

/// <summary>How to start <c>lkg-host kernel</c>: the program and the arguments that come before the kernel's own.</summary>
public sealed record KernelCommandLine(string FileName, IReadOnlyList<string> Arguments);
