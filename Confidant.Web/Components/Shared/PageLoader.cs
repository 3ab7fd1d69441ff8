using Confidant.Services.Errors;

namespace Confidant.Web.Components.Shared;

/// <summary>
/// A list read a page at a time behind a "Load more" button (the audit trail, the delivery log): the pages read so
/// far, whether more follow, whether a page is loading, and the domain's refusal of the last one, shown in place.
/// </summary>
/// <typeparam name="T">What the list holds.</typeparam>
internal sealed class PageLoader<T>
{
    private Func<string?, Task<(IReadOnlyList<T> Items, string? NextPage)>>? _fetch;
    private string? _next;

    public IReadOnlyList<T> Items { get; private set; } = [];

    public bool HasMore => _next is not null;

    public bool Loading { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Starts over with <paramref name="fetch"/>, which reads the page a token names (null: the first).</summary>
    public Task StartAsync(Func<string?, Task<(IReadOnlyList<T> Items, string? NextPage)>> fetch)
    {
        _fetch = fetch;
        _next = null;
        Items = [];
        return LoadAsync(null);
    }

    public Task LoadMoreAsync() => _next is not null ? LoadAsync(_next) : Task.CompletedTask;

    private async Task LoadAsync(string? page)
    {
        Loading = true;
        Error = null;
        try
        {
            var (items, next) = await _fetch!(page);
            Items = [.. Items, .. items];
            _next = next;
        }
        catch (ConfidantException e)
        {
            Error = e.Message;
        }
        finally
        {
            Loading = false;
        }
    }
}
