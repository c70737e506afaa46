using Xunit.Abstractions;

[assembly: TestCollectionOrderer("LastKnownGood.Tests.Support.SlowStartsFirst", "LastKnownGood.Tests")]

namespace LastKnownGood.Tests.Support;

/// <summary>
/// Starts first the collections whose fixtures compile for minutes (the NativeAOT lkg of the JSON
/// document tests, the instrumented fuzzing harness), at the lowest CPU priority, so that they
/// finish beside the other tests instead of after them; the rest keep xunit's order.
/// </summary>
public sealed class SlowStartsFirst : ITestCollectionOrderer
{
    private static readonly string[] First =
    [
        "JsonDocumentTests",
        "Test collection for LastKnownGood.Tests.Fuzz.FuzzHarnessTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => Array.IndexOf(First, c.DisplayName) is var i and >= 0 ? i : First.Length);
}
