namespace LastKnownGood.Diagnostics;

/// <summary>
/// One frame of a crash record's stack, top of the stack first (DESIGN §9): enough to name the
/// code that ran and, where the module's portable PDB is beside it, the source line.
/// </summary>
/// <param name="Module">The assembly's simple name (<c>NotMyFault</c>, <c>LastKnownGood</c>, <c>System.Private.CoreLib</c>).</param>
/// <param name="Owner">The driver whose load context holds the module, or null for the kernel and the runtime.</param>
/// <param name="Type">The declaring type's full name.</param>
/// <param name="Method">The method's name.</param>
/// <param name="MethodToken">The method's metadata token, for the module's PDB.</param>
/// <param name="ILOffset">The IL offset in the method, or -1 when the runtime does not know it.</param>
/// <param name="ModulePath">The module's file, where its PDB is looked for; null for modules loaded from memory.</param>
/// <param name="File">The source file, when a PDB gave it.</param>
/// <param name="Line">The source line, when a PDB gave it.</param>
public sealed record CrashFrame(
    string Module,
    string? Owner,
    string Type,
    string Method,
    int MethodToken,
    int ILOffset,
    string? ModulePath,
    string? File = null,
    int? Line = null)
{
    /// <summary>WinDbg's <c>module!Type.Method</c>, with the short type name, as failure buckets use it.</summary>
    public string Symbol => $"{Module}!{ShortType}.{Method}";

    public string ShortType => Type[(Type.LastIndexOf('.') + 1)..];

    /// <summary>One line of a stack's text: <c>module!Namespace.Type.Method+0xIL</c>, and the source line when known.</summary>
    public override string ToString() =>
        $"{Module}!{Type}.{Method}+0x{Math.Max(ILOffset, 0):X}" + (File is null ? "" : $" [{File} @ {Line}]");
}
