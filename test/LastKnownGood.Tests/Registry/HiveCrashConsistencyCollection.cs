namespace LastKnownGood.Tests.Registry;

/// <summary>The crash test kills and starts processes at a high rate: it runs alone, not beside other tests.</summary>
[CollectionDefinition(nameof(HiveCrashConsistencyTests), DisableParallelization = true)]
public sealed class HiveCrashConsistencyCollection;
