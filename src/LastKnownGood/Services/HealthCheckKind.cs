namespace LastKnownGood.Services;

/// <summary>What a health check does; <see cref="Invalid"/>: its key names no target or more than one of Http, Tcp and Command.</summary>
public enum HealthCheckKind
{
    Invalid,
    Http,
    Tcp,
    Command,
}
