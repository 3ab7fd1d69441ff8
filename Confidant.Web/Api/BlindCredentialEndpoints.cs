using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api;

/// <summary>/v1/blind_credentials… and /v1/archive/blind_credentials… (spec §4.4), all style P.</summary>
public static class BlindCredentialEndpoints
{
    private static readonly string[] RequiredOnCreate = ["cipher_version", "cipher_type", "credential_pairs", "data_key"];

    public static RouteGroupBuilder MapBlindCredentialEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/blind_credentials", ListBlindCredentials);
        v1.MapPost("/blind_credentials", CreateBlindCredential);
        v1.MapGet("/blind_credentials/{id}", GetBlindCredential);
        v1.MapPut("/blind_credentials/{id}", UpdateBlindCredential);
        v1.MapGet("/blind_credentials/{id}/services", GetBlindCredentialServices);
        v1.MapPut("/blind_credentials/{id}/{revision}", RevertBlindCredential);
        v1.MapGet("/archive/blind_credentials", ListBlindCredentialHistory);
        v1.MapGet("/archive/blind_credentials/{id}", ListBlindCredentialRevisions);
        return v1;
    }

    private static async Task<IResult> ListBlindCredentials(HttpContext http, BlindCredentialService blind, ExposureIndex exposures)
    {
        var items = await blind.ListAsync(http.ToConfidantPrincipal(), http.RequestAborted);
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return ApiResults.Plain(new JsonObject
        {
            ["blind_credentials"] = new JsonArray(items.Select(b => (JsonNode?)BlindCredentialContract.ListEntry(b, snapshot)).ToArray()),
        });
    }

    private static async Task<IResult> GetBlindCredential(HttpContext http, BlindCredentialService blind, ExposureIndex exposures, string id)
    {
        try
        {
            var item = await blind.GetAsync(http.ToConfidantPrincipal(), id, http.RequestAborted);
            return ApiResults.Plain(BlindCredentialContract.Plain(item, await exposures.SnapshotAsync(http.RequestAborted)));
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound)
        {
            return ApiResults.EmptyNotFound();
        }
    }

    private static async Task<IResult> CreateBlindCredential(
        HttpContext http, BlindCredentialService blind, ExposureIndex exposures, IOptions<Services.Credentials.CredentialOptions> options)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request);
        var required = options.Value.EnforceDocumentation ? [.. RequiredOnCreate, "documentation"] : RequiredOnCreate;
        var missing = required.Where(field => !RequestJson.IsTruthy(RequestJson.Property(body, field))).ToList();
        if (missing.Count > 0)
        {
            // Python list repr, as the original (spec §4.4).
            throw ConfidantException.BadRequest($"The following fields are required: [{string.Join(", ", missing.Select(m => $"'{m}'"))}]");
        }

        var created = await blind.CreateAsync(http.ToConfidantPrincipal(), ReadInput(body), http.RequestAborted);
        return ApiResults.Plain(BlindCredentialContract.Plain(created, await exposures.SnapshotAsync(http.RequestAborted)));
    }

    private static async Task<IResult> UpdateBlindCredential(HttpContext http, BlindCredentialService blind, ExposureIndex exposures, string id)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request);
        var updated = await blind.UpdateAsync(http.ToConfidantPrincipal(), id, ReadInput(body) with
        {
            BypassDocumentationRequirement = RequestJson.IsTruthy(RequestJson.Property(body, "revision")),
        }, http.RequestAborted);
        return ApiResults.Plain(BlindCredentialContract.Plain(updated, await exposures.SnapshotAsync(http.RequestAborted)));
    }

    private static async Task<IResult> RevertBlindCredential(HttpContext http, BlindCredentialService blind, ExposureIndex exposures, string id, string revision)
    {
        var target = CredentialEndpoints.TryRevision(revision, out var parsed) ? parsed : 0;
        var reverted = await blind.RevertAsync(http.ToConfidantPrincipal(), id, target, cancellationToken: http.RequestAborted);
        return ApiResults.Plain(BlindCredentialContract.Plain(reverted, await exposures.SnapshotAsync(http.RequestAborted)));
    }

    private static async Task<IResult> GetBlindCredentialServices(HttpContext http, ServiceMappingService mappings, string id) =>
        ServiceContract.References(await mappings.ListServicesUsingAsync(http.ToConfidantPrincipal(), AclResources.BlindCredential, id, http.RequestAborted));

    private static async Task<WireJsonResult> ListBlindCredentialHistory(
        HttpContext http, BlindCredentialService blind, ExposureIndex exposures, IOptions<ApiOptions> options, string? limit, string? page)
    {
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return await RevisionListings.HistoryAsync(
            limit, options.Value, size => blind.ListHistoryAsync(http.ToConfidantPrincipal(), size, page, http.RequestAborted),
            "blind_credentials", b => BlindCredentialContract.Plain(b, snapshot), ApiResults.Plain);
    }

    private static async Task<WireJsonResult> ListBlindCredentialRevisions(HttpContext http, BlindCredentialService blind, ExposureIndex exposures, string id)
    {
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return await RevisionListings.RevisionsAsync(
            () => blind.ListRevisionsAsync(http.ToConfidantPrincipal(), id, http.RequestAborted),
            b => BlindCredentialContract.Plain(b, snapshot), ApiResults.Plain, withNextPage: false);
    }

    private static BlindCredentialInput ReadInput(JsonElement body)
    {
        var metadata = RequestJson.Property(body, "metadata");
        if (metadata is { } m && m.ValueKind != JsonValueKind.Object)
        {
            throw ConfidantException.BadRequest(ErrorMessages.MetadataMustBeDict);
        }

        var dataKey = RequestJson.Property(body, "data_key");
        if (dataKey is { } d && d.ValueKind != JsonValueKind.Object)
        {
            throw ConfidantException.BadRequest(ErrorMessages.DataKeyMustBeDict);
        }

        return new BlindCredentialInput
        {
            Name = RequestJson.OptionalString(body, "name"),
            CredentialPairs = RequestJson.Property(body, "credential_pairs") is { ValueKind: not JsonValueKind.Null } pairs ? pairs : null,
            DataKey = dataKey,
            CipherType = RequestJson.OptionalString(body, "cipher_type"),
            CipherVersion = CipherVersion(RequestJson.Property(body, "cipher_version")),
            CredentialKeys = RequestJson.OptionalStringList(body, "credential_keys", ErrorMessages.CredentialKeysMustBeList),
            Metadata = metadata,
            Enabled = RequestJson.OptionalBool(body, "enabled", ErrorMessages.EnabledMustBeBoolean),
            Documentation = RequestJson.OptionalString(body, "documentation"),
        };
    }

    /// <summary>A JSON number, or a digit string as the Python CLI sends with an explicit --cipher-version (spec §13.31).</summary>
    private static int? CipherVersion(JsonElement? value) => value?.ValueKind switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.Number when value.Value.TryGetInt32(out var number) => number,
        JsonValueKind.String when int.TryParse(value.Value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
        _ => throw ConfidantException.BadRequest("cipher_version must be an integer."),
    };
}
