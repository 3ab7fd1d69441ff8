using System.Text.Json.Nodes;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>/v1/grants/&lt;id&gt; (spec §4.6).</summary>
public static class GrantEndpoints
{
    public static RouteGroupBuilder MapGrantEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/grants/{id}", GetGrants);
        v1.MapPut("/grants/{id}", EnsureGrants);
        return v1;
    }

    private static async Task<IResult> GetGrants(HttpContext http, KmsGrantService grants, string id) =>
        Grants(id, await CallAsync(() => grants.CheckAsync(http.ToConfidantPrincipal(), id, http.RequestAborted), ensuring: false));

    private static async Task<IResult> EnsureGrants(HttpContext http, KmsGrantService grants, string id) =>
        Grants(id, await CallAsync(() => grants.EnsureAsync(http.ToConfidantPrincipal(), id, http.RequestAborted), ensuring: true));

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
