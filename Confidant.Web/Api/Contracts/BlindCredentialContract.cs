using System.Text.Json.Nodes;
using Confidant.Services.Exposure;
using Confidant.Services.Storage;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>
/// Blind credential objects (spec §4.0): style P for its own routes, style S inside service payloads; each with the
/// added <c>exposure</c> (null unless marked exposed).
/// </summary>
public static class BlindCredentialContract
{
    /// <summary>The full style-P object of the /v1/blind_credentials routes.</summary>
    public static JsonObject Plain(BlindCredentialItem item, ExposureSnapshot exposures) => new()
    {
        ["cipher_type"] = item.CipherType,
        ["cipher_version"] = item.CipherVersion,
        ["credential_keys"] = CredentialContract.StringArray(item.CredentialKeys),
        ["credential_pairs"] = CredentialContract.ParseObject(item.CredentialPairs),
        ["data_key"] = CredentialContract.ParseObject(item.DataKey),
        ["documentation"] = item.Documentation,
        ["enabled"] = item.Enabled,
        ["exposure"] = ExposureContract.Field(exposures.Of(item), WireJson.HttpDate),
        ["id"] = item.Id,
        ["metadata"] = CredentialContract.ParseObject(item.Metadata),
        ["modified_by"] = item.ModifiedBy,
        ["modified_date"] = WireJson.HttpDate(item.ModifiedDate),
        ["name"] = item.Name,
        ["revision"] = item.Revision,
    };

    /// <summary>The list entry of GET /v1/blind_credentials.</summary>
    public static JsonObject ListEntry(BlindCredentialItem item, ExposureSnapshot exposures) => new()
    {
        ["documentation"] = item.Documentation,
        ["enabled"] = item.Enabled,
        ["exposure"] = ExposureContract.Field(exposures.Of(item), WireJson.HttpDate),
        ["id"] = item.Id,
        ["modified_by"] = item.ModifiedBy,
        ["modified_date"] = WireJson.HttpDate(item.ModifiedDate),
        ["name"] = item.Name,
        ["revision"] = item.Revision,
    };

    /// <summary>The style-S object inside a service payload; ciphertexts only when <paramref name="includePairs"/>.</summary>
    public static JsonObject Schema(BlindCredentialItem item, bool includePairs, ExposureSnapshot exposures) => new()
    {
        ["id"] = item.Id,
        ["name"] = item.Name,
        ["credential_keys"] = CredentialContract.StringArray(item.CredentialKeys),
        ["credential_pairs"] = includePairs ? CredentialContract.ParseObject(item.CredentialPairs) : new JsonObject(),
        ["data_key"] = includePairs ? CredentialContract.ParseObject(item.DataKey) : new JsonObject(),
        ["cipher_type"] = item.CipherType,
        ["cipher_version"] = item.CipherVersion,
        ["metadata"] = CredentialContract.ParseObject(item.Metadata),
        ["revision"] = item.Revision,
        ["enabled"] = item.Enabled,
        ["modified_date"] = WireJson.IsoDate(item.ModifiedDate),
        ["modified_by"] = item.ModifiedBy,
        ["documentation"] = item.Documentation,
        ["exposure"] = ExposureContract.Field(exposures.Of(item)),
    };
}
