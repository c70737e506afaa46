using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// One <c>Services\&lt;Name&gt;\Health\&lt;Check&gt;</c> key (DESIGN §6): an HTTP GET that must
/// answer 2xx or 3xx, a TCP connect, or a command (<c>/bin/sh -c</c>) that must exit 0. A
/// <c>Required</c> check must pass for the service to count as started; a <c>Wanted</c> one is
/// only logged. <c>Timeout</c> (seconds, default 10) bounds the check, tries and hung ones alike.
/// </summary>
public sealed record HealthCheck(string Name, HealthCheckKind Kind, string Target, bool Required, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Reads a check; one that names no target, or more than one, is <see cref="HealthCheckKind.Invalid"/> and always fails.</summary>
    public static HealthCheck Read(string name, KeyNode key)
    {
        var targets = new[] { (HealthCheckKind.Http, "Http"), (HealthCheckKind.Tcp, "Tcp"), (HealthCheckKind.Command, "Command") }
            .Where(t => key.TryGetValue(t.Item2, out var v) && v.Kind == RegistryValueKind.Sz && v.AsString().Length > 0)
            .Select(t => (t.Item1, Target: key.TryGetValue(t.Item2, out var v) ? v.AsString() : ""))
            .ToList();
        var required = !key.TryGetValue("Required", out var r) || r.Kind != RegistryValueKind.Dword || r.AsDword() != 0;
        var timeout = key.TryGetValue("Timeout", out var t) && t.Kind == RegistryValueKind.Dword && t.AsDword() > 0
            ? TimeSpan.FromSeconds(t.AsDword()) : DefaultTimeout;
        return targets is [var (kind, target)]
            ? new(name, kind, target, required, timeout)
            : new(name, HealthCheckKind.Invalid, "", required, timeout);
    }
}
