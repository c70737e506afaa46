using LastKnownGood.Drivers;
using LastKnownGood.Recovery;
using LastKnownGood.Recovery.Remediation;
using LastKnownGood.Registry;

namespace LastKnownGood.Services;

/// <summary>
/// The documented values of a control set (DESIGN §6, §8 and §10): <c>Services\&lt;Name&gt;</c>
/// and its <c>Content</c>, <c>TrackedFiles</c> and <c>Health</c> keys, <c>Control\Recovery</c>,
/// <c>Control\CrashControl</c>, and <c>Control\CI</c> with its trusted <c>Keys</c>. Manifests and
/// <c>lkg reg set</c> both check against it; keys it does not describe (<c>Parameters</c>, for
/// instance) take any value. The <c>TrackedFiles</c> rule is <see cref="TrackedFilePath.Refusal"/>,
/// which also looks at the file system as it is (symbolic links, what is at the path).
/// </summary>
public static class ServiceSchema
{
    private static readonly ValueRule[] ServiceRules =
    [
        new("Type", RegistryValueKind.Dword, ValueRule.OneOf(((uint)ServiceType.KernelDriver, "kernel driver"), ((uint)ServiceType.UserModeDriver, "user-mode driver"), ((uint)ServiceType.OwnProcess, "service"))),
        new("Start", RegistryValueKind.Dword, ValueRule.OneOf((0, "Boot"), (1, "System"), (2, "Auto"), (3, "Demand"), (4, "Disabled"))),
        new("ErrorControl", RegistryValueKind.Dword, ValueRule.OneOf((0, "Ignore"), (1, "Normal"), (2, "Severe"), (3, "Critical"))),
        new("Group", RegistryValueKind.Sz),
        new("Tag", RegistryValueKind.Dword),
        new("DependOnService", RegistryValueKind.MultiSz),
        new("DependOnGroup", RegistryValueKind.MultiSz),
        new("ImagePath", RegistryValueKind.Sz, v => v.AsString().Length > 0 ? null : "ImagePath is empty; name the driver package or the executable."),
        new("Arguments", RegistryValueKind.MultiSz),
        new("Environment", RegistryValueKind.MultiSz, v => v.AsMultiString().FirstOrDefault(e => !e.Contains('=') || e.StartsWith('=')) is { } bad
            ? $"\"{Quote.Short(bad)}\" is not NAME=VALUE." : null),
        new("WorkingDirectory", RegistryValueKind.Sz, v => Path.IsPathFullyQualified(v.AsString()) ? null
            : $"\"{Quote.Short(v.AsString())}\" is not an absolute path; a service's WorkingDirectory is where its process starts."),
        new("Notify", RegistryValueKind.Dword, ValueRule.OneOf((0, "started once it stays up for StartTimeout"), (1, "started when it sends READY=1 on NOTIFY_SOCKET"))),
        new("StartTimeout", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
        new("StopTimeout", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
        new("WatchdogTimeout", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
        new("FailureActions", RegistryValueKind.MultiSz, v => v.AsMultiString().FirstOrDefault(a => !FailureAction.TryParse(a, out _)) is { } bad
            ? $"\"{Quote.Short(bad)}\" is not a failure action; use restart/<seconds>, reboot, run/<command> or none." : null),
        new("ResetPeriod", RegistryValueKind.Dword),
        new("Critical", RegistryValueKind.Dword, ValueRule.OneOf((0, "no"), (1, "yes"))),
        new("MinimumVersion", RegistryValueKind.Sz, VersionError),
        new("Version", RegistryValueKind.Sz, VersionError),
        new("DisplayName", RegistryValueKind.Sz),
        new("Description", RegistryValueKind.Sz),
    ];

    private static readonly ValueRule[] HealthRules =
    [
        new("Command", RegistryValueKind.Sz),
        new("Http", RegistryValueKind.Sz, v => Uri.TryCreate(v.AsString(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? null : $"\"{Quote.Short(v.AsString())}\" is not an http:// or https:// URL."),
        new("Tcp", RegistryValueKind.Sz, v => v.AsString().LastIndexOf(':') is var colon and > 0 && ushort.TryParse(v.AsString()[(colon + 1)..], out _)
            ? null : $"\"{Quote.Short(v.AsString())}\" is not host:port."),
        new("Required", RegistryValueKind.Dword, ValueRule.OneOf((0, "Wanted"), (1, "Required"))),
        new("Timeout", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
    ];

    private static readonly ValueRule[] RecoveryRules =
    [
        new("Policy", RegistryValueKind.Sz, ValueRule.Words("Classic", "Improved")),
        new("AcceptAfter", RegistryValueKind.Dword),
        new("ReportBootOk", RegistryValueKind.Dword, ValueRule.OneOf((0, "only an explicit boot-ok accepts"), (1, "automatic"))),
        new("FailedBootsBeforeRecovery", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
        new("MaxTrialBoots", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
        new("History", RegistryValueKind.Dword, v => v.AsDword() <= 990 ? null : $"{v.AsDword()} is over 990; at most 999 control sets exist."),
        new("RemediationSource", RegistryValueKind.Sz, v => v.AsString().Length == 0 || RemediationSources.TryValidate(v.AsString(), out var error) ? null : error),
        new("RemediationRetry", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
        new("MaxContentSize", RegistryValueKind.Dword, ValueRule.AtLeast(1)),
        new("PreflightEvents", RegistryValueKind.Dword, v => v.AsDword() <= RecoveryOptions.MaxPreflightEvents ? null : $"{v.AsDword():N0} is over 100,000, the most events a component's pre-flight replays."),
    ];

    private static readonly ValueRule[] CodeIntegrityRules =
    [
        new(CodeIntegrityPolicy.TestSigningValue, RegistryValueKind.Dword, ValueRule.OneOf((0, "off"), (1, "on: development-signed drivers load"))),
    ];

    private static readonly ValueRule[] CrashControlRules =
    [
        new("DumpType", RegistryValueKind.Sz, ValueRule.Words("none", "mini", "full")),
    ];

    /// <summary>Checks one value at its place; false with a reason when it breaks a documented rule.</summary>
    public static bool TryValidateValue(KeyPath key, string name, RegistryValue value, out string error)
    {
        error = ValidateValue(key.Segments, name, value) ?? "";
        return error.Length == 0;
    }

    private static string? ValidateValue(IReadOnlyList<string> key, string name, RegistryValue value)
    {
        bool At(params string?[] pattern) => key.Count == pattern.Length
            && pattern.Select((p, i) => p is null || RegistryNames.Comparer.Equals(p, key[i])).All(m => m);

        return key switch
        {
            _ when At("Services", null) => ByRule(ServiceRules, name, value, "a service"),
            _ when At("Services", null, "Content") => value.Kind == RegistryValueKind.File ? null : $"{Quote.Short(name)} must be FILE: Content holds content files.",
            _ when At("Services", null, "TrackedFiles") => value.Kind != RegistryValueKind.File
                ? $"{Quote.Short(name)} must be FILE: TrackedFiles holds the files a service reads."
                : TrackedFilePath.Refusal(name),
            _ when At("Services", null, "Health", null) => ByRule(HealthRules, name, value, "a health check"),
            _ when At("Control", "Recovery") => ByRule(RecoveryRules, name, value, @"Control\Recovery"),
            _ when At("Control", "CrashControl") => ByRule(CrashControlRules, name, value, @"Control\CrashControl"),
            _ when At("Control", "CI") => ByRule(CodeIntegrityRules, name, value, @"Control\CI"),
            _ when At("Control", "CI", "Keys") => TrustedKeyError(name, value),
            _ when At("Control", "ServiceGroupOrder") && RegistryNames.Comparer.Equals(name, "List") =>
                value.Kind == RegistryValueKind.MultiSz ? null : "List must be MULTI_SZ: the group names in load order.",
            _ => null,
        };
    }

    private static string? VersionError(RegistryValue value) =>
        Version.TryParse(value.AsString(), out _) ? null : $"\"{Quote.Short(value.AsString())}\" is not a version such as 1.2.0.";

    private static string? TrustedKeyError(string name, RegistryValue value)
    {
        if (value.Kind != RegistryValueKind.Binary)
        {
            return $"{Quote.Short(name)} must be BINARY: a trusted key is the DER SubjectPublicKeyInfo of an ECDSA P-256 key.";
        }

        if (!SigningKey.TryImportPublicKey(value.Data, out var key, out var error))
        {
            return $"{error}; trust a key with lkg keys trust NAME.";
        }

        key.Dispose();
        return null;
    }

    private static string? ByRule(ValueRule[] rules, string name, RegistryValue value, string owner) =>
        rules.FirstOrDefault(r => RegistryNames.Comparer.Equals(r.Name, name)) is { } rule
            ? rule.Validate(value)
            : $"\"{Quote.Short(name)}\" is not a value of {owner}; the known ones are {string.Join(", ", rules.Select(r => r.Name))}.";

    /// <summary>
    /// The dependency cycle among services' <c>DependOnService</c>, as the names around it, or
    /// null when there is none. <paramref name="dependencies"/> maps each service to what it names.
    /// </summary>
    /// <remarks>
    /// A depth-first search with its own stack, linear in services and dependencies: a chain of
    /// 100,000 services would overflow the thread's stack if each step were a call.
    /// </remarks>
    public static IReadOnlyList<string>? FindDependencyCycle(IReadOnlyDictionary<string, IReadOnlyList<string>> dependencies)
    {
        var done = new HashSet<string>(RegistryNames.Comparer);
        var onPath = new Dictionary<string, int>(RegistryNames.Comparer); // a service on the path, and where
        var path = new List<string>();
        var pending = new Stack<(string Service, int Next)>();
        foreach (var start in dependencies.Keys)
        {
            if (done.Contains(start))
            {
                continue;
            }

            Enter(start);
            while (pending.TryPop(out var top))
            {
                var names = dependencies.TryGetValue(top.Service, out var listed) ? listed : [];
                if (top.Next == names.Count)
                {
                    path.RemoveAt(path.Count - 1);
                    onPath.Remove(top.Service);
                    done.Add(top.Service);
                    continue;
                }

                pending.Push((top.Service, top.Next + 1));
                var next = names[top.Next];
                if (onPath.TryGetValue(next, out var at))
                {
                    return [.. path.Skip(at), next];
                }

                if (!done.Contains(next))
                {
                    Enter(next);
                }
            }
        }

        return null;

        void Enter(string service)
        {
            onPath[service] = path.Count;
            path.Add(service);
            pending.Push((service, 0));
        }
    }
}
