namespace LastKnownGood.Registry;

/// <summary>
/// The outcome of a write: the new <c>Default</c> set, or the old one when the write changed nothing;
/// <see cref="LiveBoot"/> is the running boot the change was applied to live, which now runs on the
/// new set, tentative (Improved, <c>Recovery.GuardedWrite</c>), else null.
/// </summary>
public readonly record struct WriteResult(int ControlSet, bool Changed, int? LiveBoot = null);
