using System.Diagnostics;
using LastKnownGood.Diagnostics;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Diagnostics;

/// <summary>Source lines from the real portable PDB the build puts beside this test assembly.</summary>
public sealed class SourceLineResolverTests
{
    [Fact]
    public void Resolve_FrameWithTokenAndOffset_GetsTheLineTheRuntimeReports()
    {
        var (frame, runtime) = CaptureThisFrame(typeof(SourceLineResolverTests).Assembly.Location);
        using var resolver = new SourceLineResolver();

        var resolved = resolver.Resolve(frame);

        Assert.NotNull(runtime.GetFileName());
        Assert.Equal((runtime.GetFileName(), runtime.GetFileLineNumber()), (resolved.File, resolved.Line));
        Assert.Equal(frame with { File = resolved.File, Line = resolved.Line }, resolved);
    }

    [Fact]
    public void Resolve_ModuleWithoutAPdbBesideIt_LeavesTheFrameAsItIs()
    {
        using var temp = new TempDirectory();
        var copy = temp.Combine("LastKnownGood.Tests.dll");
        File.Copy(typeof(SourceLineResolverTests).Assembly.Location, copy);
        var (frame, _) = CaptureThisFrame(copy);
        using var resolver = new SourceLineResolver();

        Assert.Same(frame, resolver.Resolve(frame));
    }

    [Fact]
    public void Resolve_PdbThatIsNotAPdb_LeavesTheFrameAsItIs()
    {
        using var temp = new TempDirectory();
        var copy = temp.Combine("LastKnownGood.Tests.dll");
        File.Copy(typeof(SourceLineResolverTests).Assembly.Location, copy);
        File.WriteAllText(temp.Combine("LastKnownGood.Tests.pdb"), "not a pdb");
        var (frame, _) = CaptureThisFrame(copy);
        using var resolver = new SourceLineResolver();

        Assert.Same(frame, resolver.Resolve(frame));
    }

    [Fact]
    public void Resolve_FrameThatHasALine_KeepsIt()
    {
        var (frame, _) = CaptureThisFrame(typeof(SourceLineResolverTests).Assembly.Location);
        var given = frame with { File = "Given.cs", Line = 7 };
        using var resolver = new SourceLineResolver();

        Assert.Same(given, resolver.Resolve(given));
    }

    private static (CrashFrame Frame, StackFrame Runtime) CaptureThisFrame(string modulePath)
    {
        var runtime = new StackTrace(fNeedFileInfo: true).GetFrame(0)!;
        var method = runtime.GetMethod()!;
        return (new CrashFrame("LastKnownGood.Tests", null, method.DeclaringType!.FullName!, method.Name, method.MetadataToken, runtime.GetILOffset(), modulePath), runtime);
    }
}
