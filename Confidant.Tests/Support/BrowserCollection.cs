namespace Confidant.Tests.Support;

/// <summary>Browser tests run one class at a time, after the rest: each starts an app and a Chromium.</summary>
[CollectionDefinition(CollectionName, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string CollectionName = "Browser";
}
