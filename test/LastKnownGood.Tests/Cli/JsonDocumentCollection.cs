namespace LastKnownGood.Tests.Cli;

/// <summary>The JSON document tests compile lkg ahead of time, which takes every core for minutes: they run alone, not beside tests that time processes out.</summary>
[CollectionDefinition(nameof(JsonDocumentTests), DisableParallelization = true)]
public sealed class JsonDocumentCollection;
