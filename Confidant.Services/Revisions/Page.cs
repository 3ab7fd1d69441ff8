namespace Confidant.Services.Revisions;

/// <summary>A page of domain objects and the token of the next page (null at the end).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPage);
