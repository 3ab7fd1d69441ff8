using System.Text.Json;
using System.Text.Json.Nodes;

namespace Confidant.Web.Api;

/// <summary>Settings of the REST API (spec §10.1, §10.4).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>HISTORY_PAGE_LIMIT: default page size of the history lists; null lists everything.</summary>
    public int? HistoryPageLimit { get; set; }

    /// <summary>XSRF_COOKIE_NAME.</summary>
    public string XsrfCookieName { get; set; } = "XSRF-TOKEN";

    /// <summary>
    /// CLIENT_CONFIG: a JSON object, as text, echoed to clients as <c>defined</c> (spec §4.1). Text rather than a
    /// configuration section, because a section keeps only strings: numbers, booleans and null would not survive.
    /// </summary>
    public string? ClientConfig { get; set; }

    /// <summary><see cref="ClientConfig"/> parsed, or null when it is not a JSON object.</summary>
    public JsonObject? ParseClientConfig()
    {
        try
        {
            return JsonNode.Parse(ClientConfig ?? "{}") as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
