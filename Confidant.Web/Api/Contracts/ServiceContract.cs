using System.Text.Json.Nodes;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>
/// The service object of spec §4.0 (style S), with the added <c>exposure</c>: null unless something it maps is
/// marked exposed.
/// </summary>
public static class ServiceContract
{
    /// <summary>A list/revision entry: credentials and blind credentials are always empty there.</summary>
    public static JsonObject Summary(ServiceItem item, ExposureSnapshot exposures) => Build(item, [], [], [], exposures);

    /// <summary>The expanded object with the mapped credentials.</summary>
    public static JsonObject Expanded(ServiceMapping mapping, JsonObject permissions, bool includePairs, ExposureSnapshot exposures) => Build(
        mapping.Item,
        new JsonArray(mapping.Credentials.Select(c => (JsonNode?)CredentialContract.From(c, exposures)).ToArray()),
        new JsonArray(mapping.BlindCredentials.Select(b => (JsonNode?)BlindCredentialContract.Schema(b, includePairs, exposures)).ToArray()),
        permissions,
        exposures);

    /// <summary>The services using a credential or blind credential (spec §4.2, §4.4 …/&lt;id&gt;/services, style P).</summary>
    public static WireJsonResult References(IReadOnlyList<ServiceReference> services) => ApiResults.Plain(new JsonObject
    {
        ["services"] = new JsonArray(services.Select(s => (JsonNode?)new JsonObject { ["enabled"] = s.Enabled, ["id"] = s.Id }).ToArray()),
    });

    private static JsonObject Build(ServiceItem item, JsonArray credentials, JsonArray blind, JsonObject permissions, ExposureSnapshot exposures) => new()
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
        ["exposure"] = ExposureContract.Field(exposures.Of(item)),
    };
}
