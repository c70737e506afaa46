using System.Globalization;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel.UserMode;

/// <summary>A machine with the UserModeProbe test driver installed in user mode, beside a kernel-mode FaultDriver that does nothing.</summary>
internal static class UserModeMachine
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A machine whose UserModeProbe runs <paramref name="probe"/>; <paramref name="values"/> are more of its key's DWORDs (name, value).</summary>
    public static async Task<TestMachine> CreateAsync(string probe, params (string Name, uint Value)[] values)
    {
        var machine = await TestMachine.CreateAsync();
        await machine.InstallDriverAsync("test/TestDrivers/FaultDriver", "--start", "system", "--error-control", "normal");
        await machine.InstallDriverAsync("test/TestDrivers/UserModeProbe", "--mode", "user", "--start", "system", "--error-control", "normal");
        await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\UserModeProbe\Parameters", "Probe", probe);
        foreach (var (name, value) in values)
        {
            await machine.LkgAsync("reg", "set", @"SYSTEM\CurrentControlSet\Services\UserModeProbe", name, value.ToString(CultureInfo.InvariantCulture), "--type", "dword");
        }

        return machine;
    }

    /// <summary>SIGTERM, then the kernel's exit code.</summary>
    public static async Task<int> ShutDownAsync(ChildProcess kernel)
    {
        System.Diagnostics.Process.Start("kill", ["-TERM", kernel.Id.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
        return await kernel.WaitForExitAsync(Patience);
    }

    /// <summary>The pid in the kernel's line "started UserModeProbe 1.0.0 in its user-mode host (pid N)".</summary>
    public static int HostPid(string startedLine) =>
        int.Parse(startedLine[(startedLine.LastIndexOf("pid ", StringComparison.Ordinal) + 4)..].TrimEnd(')'), CultureInfo.InvariantCulture);
}
