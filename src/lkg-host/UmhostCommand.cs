using LastKnownGood.Cli;
using LastKnownGood.Kernel.UserMode;

namespace LastKnownGood.Host;

/// <summary>
/// <c>lkg-host umhost</c>: one user-mode driver's host (docs/user-mode-drivers.md). The kernel
/// starts it, by this program's path, once it has verified the package; it is not run by hand.
/// </summary>
internal static class UmhostCommand
{
    public const string Name = UserModeHost.Role;

    private static readonly string[] Options = ["--driver", "--package", "--assembly", "--type", "--socket"];

    public static int Run(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Count && Options.Contains(args[i]); i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        if (values.Count != Options.Length || args.Count != 2 * Options.Length)
        {
            Console.Error.WriteLine($"lkg-host umhost runs one user-mode driver for its kernel, which starts it with {string.Join(", ", Options.Select(o => o + " VALUE"))}; it is not run by hand.");
            return ExitCodes.Usage;
        }

        return UserModeHost.Run(values["--driver"], values["--package"], values["--assembly"], values["--type"], values["--socket"]);
    }
}
