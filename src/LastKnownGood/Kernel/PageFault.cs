using System.Diagnostics;
using System.Reflection;

namespace LastKnownGood.Kernel;

/// <summary>
/// Bug check 0x50's parameters for a managed memory fault, in Windows' layout: p1 the address
/// referenced (0: a managed index or null reference does not say which), p2 0 for a read and 2
/// for a write, p3 the address of the faulting method's code (the first frame outside the base
/// library, whose throw helpers raise the exception for it), p4 the fault type (0: the page is
/// not present, which is what an access outside an object is).
/// </summary>
internal static class PageFault
{
    public const ulong Read = 0;
    public const ulong Write = 2;

    public static (ulong P1, ulong P2, ulong P3, ulong P4) Parameters(Exception exception)
    {
        // The runtime's throw helpers are not where the access was: the first frame outside the base library is.
        var top = new StackTrace(exception, fNeedFileInfo: false).GetFrames()
            .FirstOrDefault(f => f.GetMethod() is { } m && m.Module.Assembly != typeof(object).Assembly);
        var method = top?.GetMethod();
        return (0, method is null ? Read : AccessAt(method, top!.GetILOffset()), CodeAddress(method), 0);
    }

    /// <summary>The faulting method's code address, 0 when it has none to give (a dynamic method).</summary>
    public static ulong CodeAddress(MethodBase? method)
    {
        try
        {
            return method is null ? 0 : (ulong)method.MethodHandle.GetFunctionPointer();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            return 0;
        }
    }

    /// <summary>A store into an array element (stelem.*) is a write; anything else is taken as a read.</summary>
    private static ulong AccessAt(MethodBase method, int ilOffset)
    {
        try
        {
            var il = method.GetMethodBody()?.GetILAsByteArray();
            return il is not null && ilOffset >= 0 && ilOffset < il.Length && il[ilOffset] is >= 0x9B and <= 0xA2 or 0xA4 ? Write : Read;
        }
        catch (Exception e) when (e is InvalidOperationException or MemberAccessException)
        {
            return Read;
        }
    }
}
