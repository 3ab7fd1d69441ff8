namespace Confidant.Services.Storage;

/// <summary>
/// A page of a query by data type ordered by modified date. <paramref name="Limit"/> null means "all items"
/// (every page is read). <paramref name="StartToken"/> is a token returned as <see cref="ItemPage.NextToken"/>.
/// </summary>
public sealed record PageRequest(int? Limit = null, bool Descending = false, string? StartToken = null)
{
    public static PageRequest All { get; } = new();
}

/// <summary>One page of items; <paramref name="NextToken"/> is null when there is nothing more.</summary>
public sealed record ItemPage(IReadOnlyList<StoredItem> Items, string? NextToken);
