namespace LastKnownGood.Services;

/// <summary>
/// One component's failures this boot, and the action each one takes. When the last action
/// repeats and is a restart, its delay doubles with each repetition, from at least
/// <see cref="MinimumBackOff"/> up to <see cref="MaximumBackOff"/>, so a component that dies
/// at once is not restarted in a tight loop; running <see cref="FailureActions.ResetPeriod"/>
/// without a failure starts the count, and the back-off, again. Not thread-safe: the component's
/// supervisor owns it.
/// </summary>
public sealed class FailureCounter(FailureActions actions)
{
    public static readonly TimeSpan MinimumBackOff = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaximumBackOff = TimeSpan.FromMinutes(5);

    private DateTimeOffset _lastFailure;

    /// <summary>Failures counted since the count last started again; 0 before the first.</summary>
    public int Count { get; private set; }

    /// <summary>Counts a failure at <paramref name="now"/> and returns what to do, with the delay a restart waits.</summary>
    public FailureAction Fail(DateTimeOffset now)
    {
        if (Count > 0 && now - _lastFailure >= actions.ResetPeriod)
        {
            Count = 0;
        }

        Count++;
        _lastFailure = now;
        var last = actions.Actions.Count - 1;
        var action = actions.Actions[Math.Min(Count - 1, last)];
        var repeats = Count - 1 - last;
        if (action.Kind != FailureActionKind.Restart || repeats <= 0)
        {
            return action;
        }

        var start = action.Delay > MinimumBackOff ? action.Delay : MinimumBackOff;
        var delay = start.Ticks << Math.Min(repeats, 30);
        return action with { Delay = delay > MaximumBackOff.Ticks || delay <= 0 ? MaximumBackOff : TimeSpan.FromTicks(delay) };
    }
}
