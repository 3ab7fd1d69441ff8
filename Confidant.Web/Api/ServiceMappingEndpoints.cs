using System.Text;
using System.Text.Json.Nodes;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api;

/// <summary>/v1/services… and /v1/archive/services… (spec §4.5).</summary>
public static class ServiceMappingEndpoints
{
    public static RouteGroupBuilder MapServiceMappingEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/services", ListServices);
        v1.MapGet("/services/{id}", GetService);
        v1.MapPut("/services/{id}", PutService);
        v1.MapPut("/services/{id}/{revision}", RevertService);
        v1.MapGet("/services/{id}/{oldRevision}/{newRevision}", DiffService);
        v1.MapGet("/archive/services", ListServiceHistory);
        v1.MapGet("/archive/services/{id}", ListServiceRevisions);
        return v1;
    }

    private static async Task<IResult> ListServices(HttpContext http, ServiceMappingService mappings, ExposureIndex exposures, string? limit, string? page)
    {
        var size = CredentialEndpoints.Positive(QueryFlags.LenientInt(limit));
        var result = await mappings.ListAsync(http.ToConfidantPrincipal(), size, size is null ? null : page, http.RequestAborted);
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return ApiResults.Schema(new JsonObject
        {
            ["services"] = new JsonArray(result.Items.Select(s => (JsonNode?)ServiceContract.Summary(s, snapshot)).ToArray()),
            ["next_page"] = result.NextPage,
        });
    }

    /// <summary>
    /// The route every workload calls to read its secrets. The domain answers from its short-lived cache or afresh,
    /// and records the delivery either way; this only writes the answer's bytes.
    /// </summary>
    private static async Task<IResult> GetService(
        HttpContext http,
        ServiceMappingService mappings,
        IAclPolicy acl,
        ExposureIndex exposures,
        string id,
        string? metadata_only)
    {
        var caller = http.ToConfidantPrincipal();
        var metadataOnly = QueryFlags.IsTrue(metadata_only);
        try
        {
            // The snapshot is read before the domain's ACL; it only ever shows beside what the domain hands out.
            var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
            return new RawJsonResult(await mappings.ReadAsync(
                caller, id, metadataOnly, mapping => Render(acl, caller, mapping, metadataOnly, snapshot), http.RequestAborted));
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound)
        {
            return ApiResults.EmptyNotFound();
        }
    }

    private static byte[] Render(IAclPolicy acl, ConfidantPrincipal caller, ServiceMapping mapping, bool metadataOnly, ExposureSnapshot exposures)
    {
        // spec §3.4: only the requested action is evaluated; update only for people.
        var ids = mapping.Item.Credentials.Concat(mapping.Item.BlindCredentials).ToList();
        var permissions = CredentialContract.Permissions(
            ("metadata", metadataOnly),
            ("get", !metadataOnly),
            ("update", !caller.IsService && acl.IsAllowed(caller, AclResources.Service, AclActions.Update, mapping.Item.Id, new AclArguments(ids))));
        return Encoding.UTF8.GetBytes(ApiResults.Schema(ServiceContract.Expanded(mapping, permissions, includePairs: !metadataOnly, exposures)).Text);
    }

    private static async Task<IResult> PutService(HttpContext http, ServiceMappingService mappings, ExposureIndex exposures, string id)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request);
        var input = new ServiceMappingInput
        {
            Credentials = RequestJson.OptionalStringList(body, "credentials"),
            BlindCredentials = RequestJson.OptionalStringList(body, "blind_credentials"),
            Enabled = RequestJson.OptionalBool(body, "enabled", ErrorMessages.EnabledMustBeBoolean),
            Account = RequestJson.OptionalString(body, "account") ?? (RequestJson.Property(body, "account") is null ? null : string.Empty),
        };
        var mapping = await mappings.PutAsync(http.ToConfidantPrincipal(), id, input, http.RequestAborted);
        var permissions = CredentialContract.Permissions(("create", true), ("metadata", true), ("get", true), ("update", true));
        return ApiResults.Schema(ServiceContract.Expanded(mapping, permissions, includePairs: false, await exposures.SnapshotAsync(http.RequestAborted)));
    }

    private static async Task<IResult> RevertService(HttpContext http, ServiceMappingService mappings, ExposureIndex exposures, string id, string revision)
    {
        try
        {
            var target = CredentialEndpoints.TryRevision(revision, out var parsed) ? parsed : 0;
            var mapping = await mappings.RevertAsync(http.ToConfidantPrincipal(), id, target, cancellationToken: http.RequestAborted);
            var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
            return ApiResults.Schema(ServiceContract.Expanded(mapping, new JsonObject(), includePairs: false, snapshot));
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound)
        {
            return ApiResults.EmptyNotFound();
        }
    }

    private static async Task<IResult> DiffService(HttpContext http, ServiceMappingService mappings, string id, string oldRevision, string newRevision)
    {
        if (!CredentialEndpoints.TryRevision(oldRevision, out var old) || !CredentialEndpoints.TryRevision(newRevision, out var @new))
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, ErrorMessages.ServiceNotFound, id);
        }

        return ApiResults.Plain(await mappings.DiffAsync(http.ToConfidantPrincipal(), id, old, @new, http.RequestAborted));
    }

    private static async Task<WireJsonResult> ListServiceHistory(
        HttpContext http, ServiceMappingService mappings, ExposureIndex exposures, IOptions<ApiOptions> options, string? limit, string? page)
    {
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return await RevisionListings.HistoryAsync(
            limit, options.Value, size => mappings.ListHistoryAsync(http.ToConfidantPrincipal(), size, page, http.RequestAborted),
            "services", s => ServiceContract.Summary(s, snapshot), ApiResults.Schema);
    }

    private static async Task<WireJsonResult> ListServiceRevisions(HttpContext http, ServiceMappingService mappings, ExposureIndex exposures, string id)
    {
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return await RevisionListings.RevisionsAsync(
            () => mappings.ListRevisionsAsync(http.ToConfidantPrincipal(), id, http.RequestAborted),
            s => ServiceContract.Summary(s, snapshot), ApiResults.Schema, withNextPage: true);
    }
}
