using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using LastKnownGood.Tests.Support;

namespace LastKnownGood.Tests.Kernel.ServiceControl;

/// <summary>Machines whose services are real programs (/bin/sh scripts and python3), made from a manifest as users make them.</summary>
internal static partial class ServiceMachine
{
    /// <summary>python3 code that sends <c>READY=1</c> on <c>NOTIFY_SOCKET</c> as sd_notify(3) does, then stays up.</summary>
    public const string NotifyReady =
        "import os, socket, time; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(b'STATUS=up\\nREADY=1', os.environ['NOTIFY_SOCKET']); time.sleep(300)";

    /// <summary>
    /// The start of python3 code that speaks sd_notify(3) from the service's own process:
    /// <c>notify('A=1\\nB=2')</c> sends one datagram on <c>NOTIFY_SOCKET</c>. Go on after a newline.
    /// </summary>
    public const string Notifier =
        "import os, signal, socket, sys, time\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\nnotify = lambda m: s.sendto(m.encode(), os.environ['NOTIFY_SOCKET'])\n";

    /// <summary>Shell code that becomes a process that stays up and carries the marker <c>$0</c> in its command line.</summary>
    public const string Sleep = "exec python3 -c 'import time; time.sleep(300)' \"$0\"";

    /// <summary>Shell code that leaves an orphan behind: a process, with the marker, whose parent has exited.</summary>
    public const string Orphan = "(python3 -c 'import time; time.sleep(300)' \"$0\" &)";

    /// <summary>A machine whose <c>Services</c> key holds <paramref name="services"/> (numbers DWORD, strings SZ, lists MULTI_SZ).</summary>
    public static async Task<TestMachine> CreateAsync(TempDirectory temp, Dictionary<string, Dictionary<string, object>> services)
    {
        var manifest = temp.Combine("machine.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(new Dictionary<string, object> { ["Services"] = services }));
        return await TestMachine.CreateAsync("--from", manifest);
    }

    /// <summary>
    /// A service run by <c>/bin/sh -c <paramref name="script"/> <paramref name="marker"/></c>: <c>$0</c>
    /// is the marker, which <see cref="Running"/> finds in the command lines of it and its children.
    /// </summary>
    public static Dictionary<string, object> Shell(string marker, string script, params (string Name, object Value)[] values) =>
        Service("/bin/sh", ["-c", script, marker], values);

    /// <summary>A service run by <c>python3 -c <paramref name="code"/> <paramref name="marker"/></c>.</summary>
    public static Dictionary<string, object> Python(string marker, string code, params (string Name, object Value)[] values) =>
        Service("/usr/bin/python3", ["-c", code, marker], values);

    /// <summary>SIGTERM to <paramref name="pid"/>, as a person's <c>kill</c> sends it: a kernel's shutdown.</summary>
    public static void Terminate(int pid) => Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>The kernel's line for a service's start; group 1 is its process id.</summary>
    [GeneratedRegex(@"started \w+ \(pid (\d+)\)")]
    public static partial Regex StartedPid();

    /// <summary>The running (not zombie) processes whose command line holds <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> Running(string marker) =>
        ProcessTable.Where(pid => ProcessTable.Read(pid, "cmdline").Contains(marker, StringComparison.Ordinal) && ProcessTable.State(pid) != 'Z');

    /// <summary>Waits, boundedly, until no process holds <paramref name="marker"/>; returns those still running.</summary>
    public static Task<IReadOnlyList<int>> WaitForNoneAsync(string marker, TimeSpan timeout) => ProcessTable.WaitForNoneAsync(() => Running(marker), timeout);

    private static Dictionary<string, object> Service(string image, string[] arguments, (string Name, object Value)[] values)
    {
        var service = new Dictionary<string, object> { ["Type"] = 16, ["Start"] = 2, ["ErrorControl"] = 1, ["ImagePath"] = image, ["Arguments"] = arguments, ["StartTimeout"] = 1 };
        foreach (var (name, value) in values)
        {
            service[name] = value;
        }

        return service;
    }
}
