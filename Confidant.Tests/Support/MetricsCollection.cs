namespace Confidant.Tests.Support;

/// <summary>
/// Tests that read exported metrics run alone. OpenTelemetry listens to every meter named <c>Confidant</c> in the
/// process, whichever host made it, and when another test's host is disposed meanwhile the shared series it fed can
/// vanish from the export; run alone, a series moves only with the test's own requests.
/// </summary>
[CollectionDefinition(CollectionName, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string CollectionName = "Metrics";
}
