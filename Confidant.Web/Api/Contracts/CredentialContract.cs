using System.Text.Json.Nodes;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>
/// The credential object of spec §4.0 (style S): every field always present, and <c>exposure</c> added (null unless
/// marked exposed; clients that do not know it ignore it).
/// </summary>
public static class CredentialContract
{
    public static JsonObject From(Credential credential, ExposureSnapshot exposures, JsonObject? permissions = null, bool includeKeys = true)
    {
        var item = credential.Item;
        var pairs = new JsonObject();
        if (credential.Pairs is { } revealed)
        {
            foreach (var (key, value) in revealed)
            {
                pairs[key] = JsonValueOf(value);
            }
        }

        return new JsonObject
        {
            ["id"] = item.Id,
            ["name"] = item.Name,
            ["revision"] = item.Revision,
            ["enabled"] = item.Enabled,
            ["documentation"] = item.Documentation,
            ["metadata"] = ParseObject(item.Metadata),
            ["credential_keys"] = includeKeys ? StringArray(credential.Keys) : [],
            ["credential_pairs"] = pairs,
            ["modified_date"] = WireJson.IsoDate(item.ModifiedDate),
            ["modified_by"] = item.ModifiedBy,
            ["permissions"] = permissions ?? [],
            ["tags"] = StringArray(item.Tags),
            ["last_rotation_date"] = WireJson.IsoDate(item.LastRotationDate),
            ["next_rotation_date"] = WireJson.IsoDate(credential.NextRotationDate),
            ["exposure"] = ExposureContract.Field(exposures.Of(item)),
        };
    }

    /// <summary>A list/revision entry: no keys, no pairs, empty permissions.</summary>
    public static JsonObject Summary(Credential credential, ExposureSnapshot exposures) =>
        From(credential with { Pairs = null }, exposures, null, includeKeys: false);

    public static JsonObject Permissions(params (string Name, bool Allowed)[] flags)
    {
        var permissions = new JsonObject();
        foreach (var (name, allowed) in flags)
        {
            permissions[name] = allowed;
        }

        return permissions;
    }

    internal static JsonArray StringArray(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    internal static JsonNode ParseObject(string json) => JsonNode.Parse(json) ?? new JsonObject();

    private static JsonNode? JsonValueOf(System.Text.Json.JsonElement value) => JsonNode.Parse(value.GetRawText());
}
