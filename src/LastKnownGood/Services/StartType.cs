namespace LastKnownGood.Services;

/// <summary><c>Start</c>, with Windows' numbers; lower starts earlier.</summary>
public enum StartType
{
    Boot = 0,
    System = 1,
    Auto = 2,
    Demand = 3,
    Disabled = 4,
}
