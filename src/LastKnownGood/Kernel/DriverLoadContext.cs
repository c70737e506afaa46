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

    /// <summary>The SDK every driver of this kernel gets: a driver built against another major version, or a later one, is refused.</summary>
    internal static readonly Version SdkVersion = typeof(IDriver).Assembly.GetName().Version!;

    /// <summary>The driver this context loads: a crash frame in one of its assemblies is that driver's.</summary>
    public string DriverName => name;

    /// <summary>
    /// Loads a verified package's driver into a context of its own and creates its instance, the
    /// same way in the kernel and in a user-mode host; null and a sentence when it cannot be loaded.
    /// Its constructor runs here, so a caller calls this behind its boundary.
    /// </summary>
    public static IDriver? TryCreate(string name, string package, string assemblyFile, string typeName, out string reason)
    {
        reason = "";
        try
        {
            var assembly = new DriverLoadContext(name, package).LoadFromAssemblyPath(Path.Combine(package, assemblyFile));
            if (assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == SdkName)?.Version is { } built && !IsCompatible(built))
            {
                reason = $"it was built against {SdkName} {built.ToString(3)}, and this kernel serves {SdkVersion.ToString(3)}: build it against {SdkName} {SdkVersion.Major}.x, at most {SdkVersion.ToString(3)}";
                return null;
            }

            return assembly.GetType(typeName, throwOnError: true) is { } type && Activator.CreateInstance(type) is IDriver driver
                ? driver
                : throw new InvalidOperationException($"{typeName} does not implement {nameof(IDriver)}");
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or TypeLoadException or InvalidOperationException or MissingMethodException)
        {
            reason = $"the driver cannot be loaded: {e.Message}";
            return null;
        }
    }

    /// <summary>Within a major version the SDK only grows: a driver built against this kernel's SDK or an earlier one of its major version finds everything it calls.</summary>
    internal static bool IsCompatible(Version built) => built.Major == SdkVersion.Major && new Version(built.Major, built.Minor, Math.Max(built.Build, 0)) <= SdkVersion;

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
