namespace LastKnownGood.Tests.Cli;

/// <summary>
/// The JSON document tests share one fixture, lkg compiled ahead of time: it compiles at the
/// lowest CPU priority, started first of all (<see cref="Support.SlowStartsFirst"/>), beside the
/// tests that time processes out.
/// </summary>
[CollectionDefinition(nameof(JsonDocumentTests))]
public sealed class JsonDocumentCollection;
