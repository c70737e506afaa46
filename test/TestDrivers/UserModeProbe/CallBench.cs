using System.Diagnostics;
using System.Globalization;
using LastKnownGood;

namespace UserModeProbe;

/// <summary>For bench/scripts/user-mode-call.sh: times <c>Parameters\Calls</c> QueryParameter calls after a tenth as many to warm up, and logs the mean in microseconds.</summary>
internal static class CallBench
{
    public static void Run(IDriverContext context)
    {
        var calls = context.QueryParameter("Calls", out var value).IsSuccess ? (int)(uint)value! : 20_000;
        _ = Time(calls / 10, context);
        context.Log(string.Create(CultureInfo.InvariantCulture, $"bench: {calls} calls: QueryParameter {Time(calls, context):0.00} us"));
    }

    private static double Time(int count, IDriverContext context)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            context.QueryParameter("Probe", out _);
        }

        return clock.Elapsed.TotalMicroseconds / Math.Max(count, 1);
    }
}
