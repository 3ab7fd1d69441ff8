using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>/v1/credentials… and /v1/archive/credentials… (spec §4.2).</summary>
public static class CredentialEndpoints
{
    public static RouteGroupBuilder MapCredentialEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/credentials", ListCredentials);
        v1.MapPost("/credentials", CreateCredential);
        v1.MapGet("/credentials/{id}", GetCredential);
        v1.MapPut("/credentials/{id}", UpdateCredential);
        v1.MapGet("/credentials/{id}/services", GetCredentialServices);
        v1.MapGet("/credentials/{id}/access", GetCredentialAccess);
        v1.MapPost("/credentials/{id}/archive", ArchiveCredential);
        v1.MapPut("/credentials/{id}/{revision}", RevertCredential);
        v1.MapGet("/credentials/{id}/{oldRevision}/{newRevision}", DiffCredential);
        v1.MapGet("/archive/credentials", ListCredentialHistory);
        v1.MapGet("/archive/credentials/{id}", ListCredentialRevisions);
        return v1;
    }

    private static async Task<IResult> ListCredentials(HttpContext http, CredentialReader reader, ExposureIndex exposures, string? limit, string? page)
    {
        var size = Positive(QueryFlags.LenientInt(limit));
        var result = await reader.ListAsync(http.ToConfidantPrincipal(), size, page, http.RequestAborted);
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return ApiResults.Schema(new JsonObject
        {
            ["credentials"] = new JsonArray(result.Items.Select(c => (JsonNode?)CredentialContract.Summary(c, snapshot)).ToArray()),
            ["next_page"] = result.NextPage,
        });
    }

    private static async Task<IResult> GetCredential(
        HttpContext http, CredentialReader reader, IAclPolicy acl, ExposureIndex exposures, string id, string? metadata_only)
    {
        var caller = http.ToConfidantPrincipal();
        try
        {
            var credential = await reader.GetAsync(caller, id, QueryFlags.IsTrue(metadata_only), http.RequestAborted);
            var permissions = CredentialContract.Permissions(
                ("metadata", true),
                ("get", acl.IsAllowed(caller, AclResources.Credential, AclActions.Get, id)),
                ("update", acl.IsAllowed(caller, AclResources.Credential, AclActions.Update, id)));
            return ApiResults.Schema(CredentialContract.From(credential, await exposures.SnapshotAsync(http.RequestAborted), permissions));
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound)
        {
            return ApiResults.EmptyNotFound();
        }
    }

    private static async Task<IResult> GetCredentialAccess(HttpContext http, AuditReader audit, string id) =>
        ApiResults.Schema(AuditContract.Access(await audit.CredentialAccessAsync(http.ToConfidantPrincipal(), id, http.RequestAborted)));

    private static async Task<IResult> CreateCredential(HttpContext http, CredentialService service, ExposureIndex exposures)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request);
        var created = await service.CreateAsync(http.ToConfidantPrincipal(), ReadInput(body, creating: true), http.RequestAborted);
        return ApiResults.Schema(CredentialContract.From(created, await exposures.SnapshotAsync(http.RequestAborted), AllPermissions()));
    }

    private static async Task<IResult> UpdateCredential(HttpContext http, CredentialService service, ExposureIndex exposures, string id)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request);
        var updated = await service.UpdateAsync(http.ToConfidantPrincipal(), id, ReadInput(body, creating: false), http.RequestAborted);
        return ApiResults.Schema(CredentialContract.From(updated, await exposures.SnapshotAsync(http.RequestAborted), AllPermissions()));
    }

    private static async Task<IResult> RevertCredential(HttpContext http, CredentialService service, ExposureIndex exposures, string id, string revision)
    {
        var caller = http.ToConfidantPrincipal();
        if (!TryRevision(revision, out var target))
        {
            // The Python client sends the literal "None" when no revision is given (spec §4.2).
            return await RevertToUnknownAsync(service, caller, id, http.RequestAborted);
        }

        try
        {
            var reverted = await service.RevertAsync(caller, id, target, cancellationToken: http.RequestAborted);
            var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
            return ApiResults.Schema(CredentialContract.From(reverted with { Pairs = null }, snapshot, new JsonObject(), includeKeys: false));
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound && error.Message != ErrorMessages.CredentialNotFound)
        {
            return ApiResults.EmptyNotFound();
        }
    }

    private static async Task<IResult> DiffCredential(HttpContext http, CredentialReader reader, string id, string oldRevision, string newRevision)
    {
        if (!TryRevision(oldRevision, out var old) || !TryRevision(newRevision, out var @new))
        {
            return ApiResults.Error(StatusCodes.Status404NotFound, ErrorMessages.CredentialNotFound, id);
        }

        try
        {
            return ApiResults.Plain(await reader.DiffAsync(http.ToConfidantPrincipal(), id, old, @new, http.RequestAborted));
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound && error.Message != ErrorMessages.CredentialNotFound)
        {
            return ApiResults.EmptyNotFound();
        }
    }

    private static async Task<IResult> GetCredentialServices(HttpContext http, ServiceMappingService mappings, string id) =>
        ServiceContract.References(await mappings.ListServicesUsingAsync(http.ToConfidantPrincipal(), AclResources.Credential, id, http.RequestAborted));

    private static async Task<IResult> ArchiveCredential(HttpContext http, CredentialService service, string id)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request, optional: true);
        var force = RequestJson.OptionalBool(body, "force", ErrorMessages.ForceMustBeBoolean) ?? false;
        var moved = await service.ArchiveAsync(http.ToConfidantPrincipal(), id, force, http.RequestAborted);
        return ApiResults.Plain(new JsonObject { ["result"] = moved ? "success" : "dry-run success" });
    }

    private static async Task<WireJsonResult> ListCredentialHistory(
        HttpContext http, CredentialReader reader, ExposureIndex exposures, Microsoft.Extensions.Options.IOptions<ApiOptions> options, string? limit, string? page)
    {
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return await RevisionListings.HistoryAsync(
            limit, options.Value, size => reader.ListHistoryAsync(http.ToConfidantPrincipal(), size, page, http.RequestAborted),
            "credentials", c => CredentialContract.Summary(c, snapshot), ApiResults.Schema);
    }

    private static async Task<WireJsonResult> ListCredentialRevisions(HttpContext http, CredentialReader reader, ExposureIndex exposures, string id)
    {
        var snapshot = await exposures.SnapshotAsync(http.RequestAborted);
        return await RevisionListings.RevisionsAsync(
            () => reader.ListRevisionsAsync(http.ToConfidantPrincipal(), id, http.RequestAborted),
            c => CredentialContract.Summary(c, snapshot), ApiResults.Schema, withNextPage: true);
    }

    private static async Task<IResult> RevertToUnknownAsync(CredentialService service, ConfidantPrincipal caller, string id, CancellationToken cancellationToken)
    {
        // Run the ACL and current-item checks first so the status matches a numeric revision that does not exist.
        try
        {
            await service.RevertAsync(caller, id, 0, cancellationToken: cancellationToken);
        }
        catch (ConfidantException error) when (error.Kind == ConfidantErrorKind.NotFound && error.Message != ErrorMessages.CredentialNotFound)
        {
        }

        return ApiResults.EmptyNotFound();
    }

    private static CredentialInput ReadInput(JsonElement body, bool creating)
    {
        var pairs = RequestJson.OptionalPairs(body, "credential_pairs", ErrorMessages.CredentialPairsMustBeKeyValue);
        var metadata = RequestJson.Property(body, "metadata");
        if (metadata is { } m && m.ValueKind != JsonValueKind.Object)
        {
            throw ConfidantException.BadRequest(ErrorMessages.MetadataMustBeDict);
        }

        return new CredentialInput
        {
            Name = RequestJson.OptionalString(body, "name"),
            Pairs = pairs,
            Metadata = metadata,
            Enabled = RequestJson.OptionalBool(body, "enabled", ErrorMessages.EnabledMustBeBoolean),
            Documentation = RequestJson.OptionalString(body, "documentation"),
            Tags = RequestJson.OptionalStringList(body, "tags"),
            BypassDocumentationRequirement = !creating && RequestJson.IsTruthy(RequestJson.Property(body, "revision")),
        };
    }

    private static JsonObject AllPermissions() =>
        CredentialContract.Permissions(("metadata", true), ("get", true), ("update", true));

    internal static bool TryRevision(string text, out int revision) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out revision) && revision > 0;

    internal static int? Positive(int? value) => value is > 0 ? value : null;
}
