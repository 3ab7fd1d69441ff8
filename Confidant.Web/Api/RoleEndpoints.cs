using System.Text.Json.Nodes;
using Confidant.Services.Iam;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>/v1/roles (spec §4.5).</summary>
public static class RoleEndpoints
{
    public static RouteGroupBuilder MapRoleEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/roles", ListRoles);
        return v1;
    }

    private static async Task<IResult> ListRoles(HttpContext http, RoleNames roles) =>
        ApiResults.Plain(new JsonObject
        {
            ["roles"] = CredentialContract.StringArray(await roles.ListAsync(http.ToConfidantPrincipal(), http.RequestAborted)),
        });
}
