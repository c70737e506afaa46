namespace LastKnownGood.Boot;

/// <summary>How to start <c>lkg-host kernel</c>: the program and the arguments that come before the kernel's own.</summary>
public sealed record KernelCommandLine(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>The file that must be there for it to start: the assembly of <c>dotnet NAME.dll</c>, else the program itself.</summary>
    public string ProgramFile => Arguments is [var assembly] ? assembly : FileName;
}
