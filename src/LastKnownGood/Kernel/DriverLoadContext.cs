using System.Reflection;
using System.Runtime.Loader;

namespace LastKnownGood.Kernel;

/// <summary>
/// One driver's load context: its assembly and the DLLs of its package load here, so two
/// drivers may carry different versions of a dependency. The SDK always resolves to the
/// kernel's own copy: it is the one set of types every driver shares with the kernel.
/// </summary>
internal sealed class DriverLoadContext(string name, string packageDirectory) : AssemblyLoadContext($"driver:{name}")
{
    private static readonly string SdkName = typeof(IDriver).Assembly.GetName().Name!;

    /// <summary>The driver this context loads: a crash frame in one of its assemblies is that driver's.</summary>
    public string DriverName => name;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == SdkName)
        {
            return null;
        }

        var candidate = Path.Combine(packageDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
