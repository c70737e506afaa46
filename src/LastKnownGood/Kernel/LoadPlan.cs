using LastKnownGood.Services;

namespace LastKnownGood.Kernel;

/// <summary>The order a boot starts its components in, and those it cannot start, with why.</summary>
public sealed record LoadPlan(IReadOnlyList<ServiceEntry> Order, IReadOnlyList<(ServiceEntry Entry, string Reason)> CannotStart);
