using System.Text.Json.Nodes;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Iam;
using Confidant.Services.Kms;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>/v1/grants/&lt;id&gt; (spec §4.6) and /v1/roles (spec §4.5).</summary>
public static class GrantEndpoints
{
    public static RouteGroupBuilder MapGrantEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/grants/{id}", GetGrants);
        v1.MapPut("/grants/{id}", EnsureGrants);
        v1.MapGet("/roles", ListRoles);
        return v1;
    }

    private static async Task<IResult> GetGrants(HttpContext http, IAclPolicy acl, IConfidantStore store, KmsGrantService grants, string id)
    {
        var caller = http.ToConfidantPrincipal();
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Metadata, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to get grants for service {id}", id);
        }

        await RequireServiceAsync(store, id, http.RequestAborted);
        return Grants(id, await CallAsync(() => grants.CheckAsync(id, http.RequestAborted), ensuring: false));
    }

    private static async Task<IResult> EnsureGrants(HttpContext http, IAclPolicy acl, IConfidantStore store, KmsGrantService grants, string id)
    {
        var caller = http.ToConfidantPrincipal();
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Update, id, new AclArguments([])))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to ensure grants for service {id}", id);
        }

        await RequireServiceAsync(store, id, http.RequestAborted);
        return Grants(id, await CallAsync(() => grants.EnsureAsync(id, http.RequestAborted), ensuring: true));
    }

    private static async Task<IResult> ListRoles(HttpContext http, IAclPolicy acl, IRoleDirectory roles)
    {
        var caller = http.ToConfidantPrincipal();
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.List))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to list services");
        }

        return ApiResults.Plain(new JsonObject { ["roles"] = CredentialContract.StringArray(await roles.ListRoleNamesAsync(http.RequestAborted)) });
    }

    private static async Task RequireServiceAsync(IConfidantStore store, string id, CancellationToken cancellationToken)
    {
        switch (await store.GetAsync(id, cancellationToken))
        {
            case null:
                throw ConfidantException.BadRequest(ErrorMessages.IdDoesNotExist, id);
            case ServiceItem { DataType: DataType.Service }:
                return;
            default:
                throw ConfidantException.BadRequest(ErrorMessages.NotAService, id);
        }
    }

    private static async Task<GrantStatus> CallAsync(Func<Task<GrantStatus>> call, bool ensuring)
    {
        try
        {
            return await call();
        }
        catch (KeyServiceException error) when (error.Error != KeyServiceError.Unavailable)
        {
            throw ensuring
                ? ConfidantException.BadRequest("Failed to add grants for service.")
                : new ConfidantException(ConfidantErrorKind.Unavailable, "Failed to get grants.");
        }
    }

    private static WireJsonResult Grants(string id, GrantStatus status) => ApiResults.Plain(new JsonObject
    {
        ["grants"] = new JsonObject { ["decrypt_grant"] = status.DecryptGrant, ["encrypt_grant"] = status.EncryptGrant },
        ["id"] = id,
    });
}
