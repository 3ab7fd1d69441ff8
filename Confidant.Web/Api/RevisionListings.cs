using System.Text.Json.Nodes;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api;

/// <summary>
/// The history listings every resource shares (spec §4.2, §4.3, §4.4): a page of all revisions across resources, and the
/// revisions of one resource. The resources differ only in their JSON shape, list name and wire style.
/// </summary>
internal static class RevisionListings
{
    /// <summary><c>{"&lt;listName&gt;": [...], "next_page": ...}</c>; a missing or non-positive limit takes the configured page size.</summary>
    public static async Task<WireJsonResult> HistoryAsync<T>(
        string? limit,
        ApiOptions options,
        Func<int?, Task<Page<T>>> load,
        string listName,
        Func<T, JsonNode> shape,
        Func<JsonNode, WireJsonResult> style)
    {
        var size = CredentialEndpoints.Positive(QueryFlags.LenientInt(limit)) ?? options.HistoryPageLimit;
        var page = await load(size);
        return style(new JsonObject
        {
            [listName] = ToArray(page.Items, shape),
            ["next_page"] = page.NextPage,
        });
    }

    /// <summary>
    /// <c>{"revisions": [...]}</c> (with <c>"next_page": null</c> where the original sends it); an unknown id is the
    /// original's bare 404.
    /// </summary>
    public static async Task<WireJsonResult> RevisionsAsync<T>(
        Func<Task<IReadOnlyList<T>>> load,
        Func<T, JsonNode> shape,
        Func<JsonNode, WireJsonResult> style,
        bool withNextPage)
    {
        IReadOnlyList<T> revisions;
        try
        {
            revisions = await load();
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound)
        {
            return ApiResults.EmptyNotFound();
        }

        var body = new JsonObject { ["revisions"] = ToArray(revisions, shape) };
        if (withNextPage)
        {
            body["next_page"] = null;
        }

        return style(body);
    }

    private static JsonArray ToArray<T>(IEnumerable<T> items, Func<T, JsonNode> shape) =>
        new(items.Select(item => (JsonNode?)shape(item)).ToArray());
}
