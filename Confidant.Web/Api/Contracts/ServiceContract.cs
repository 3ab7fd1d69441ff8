using System.Text.Json.Nodes;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>The service object of spec §4.0 (style S).</summary>
public static class ServiceContract
{
    /// <summary>A list/revision entry: credentials and blind credentials are always empty there.</summary>
    public static JsonObject Summary(ServiceItem item) => Build(item, [], [], []);

    /// <summary>The expanded object with the mapped credentials.</summary>
    public static JsonObject Expanded(ServiceMapping mapping, JsonObject permissions, bool includePairs) => Build(
        mapping.Item,
        new JsonArray(mapping.Credentials.Select(c => (JsonNode?)CredentialContract.From(c)).ToArray()),
        new JsonArray(mapping.BlindCredentials.Select(b => (JsonNode?)BlindCredentialContract.Schema(b, includePairs)).ToArray()),
        permissions);

    /// <summary>The services using a credential or blind credential (spec §4.2, §4.4 …/&lt;id&gt;/services, style P).</summary>
    public static WireJsonResult References(IReadOnlyList<ServiceReference> services) => ApiResults.Plain(new JsonObject
    {
        ["services"] = new JsonArray(services.Select(s => (JsonNode?)new JsonObject { ["enabled"] = s.Enabled, ["id"] = s.Id }).ToArray()),
    });

    private static JsonObject Build(ServiceItem item, JsonArray credentials, JsonArray blind, JsonObject permissions) => new()
    {
        ["id"] = item.Id,
        ["account"] = item.Account,
        ["revision"] = item.Revision,
        ["enabled"] = item.Enabled,
        ["modified_date"] = WireJson.IsoDate(item.ModifiedDate),
        ["modified_by"] = item.ModifiedBy,
        ["credentials"] = credentials,
        ["blind_credentials"] = blind,
        ["permissions"] = permissions,
    };
}
