namespace LastKnownGood.Services;

/// <summary><c>ErrorControl</c>: how serious a failure to start is (DESIGN §7).</summary>
public enum ErrorControl
{
    Ignore = 0,
    Normal = 1,
    Severe = 2,
    Critical = 3,
}
