using System.Text.Json.Nodes;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.KmsAuth;
using Confidant.Services.Maintenance;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api;

/// <summary>/v1/user/email, /v1/client_config (spec §4.1) and /v1/value_generator (spec §4.3).</summary>
public static class IdentityEndpoints
{
    public static RouteGroupBuilder MapIdentityEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapMethods("/user/email", [HttpMethods.Get, HttpMethods.Post], GetUserEmail);
        v1.MapGet("/client_config", GetClientConfig);
        return v1;
    }

    /// <summary>Routes of /v1 that need no authentication.</summary>
    public static RouteGroupBuilder MapAnonymousEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/value_generator", GenerateValue);
        return v1;
    }

    private static WireJsonResult GetUserEmail(HttpContext http) =>
        ApiResults.Plain(new JsonObject { ["email"] = http.ToConfidantPrincipal().Name });

    private static WireJsonResult GetClientConfig(
        HttpContext http,
        IAclPolicy acl,
        IOptions<ApiOptions> api,
        MaintenanceMode maintenance,
        IOptions<KmsAuthOptions> kmsAuth,
        IOptions<CredentialOptions> credentials)
    {
        var caller = http.ToConfidantPrincipal();
        var tags = credentials.Value.TagsExcludingRotation.Union(credentials.Value.RotationDaysConfig.Keys, StringComparer.Ordinal);
        return ApiResults.Plain(new JsonObject
        {
            ["defined"] = api.Value.ParseClientConfig(),
            ["generated"] = new JsonObject
            {
                ["aws_accounts"] = CredentialContract.StringArray(kmsAuth.Value.Accounts),
                ["defined_tags"] = CredentialContract.StringArray(tags),
                ["history_page_limit"] = api.Value.HistoryPageLimit,
                ["kms_auth_manage_grants"] = kmsAuth.Value.ManageGrants,
                // The touch file counts too (the original ignored it, spec §13.27).
                ["maintenance_mode"] = maintenance.IsActive,
                ["permissions"] = new JsonObject
                {
                    ["credentials"] = Flags(acl, caller, AclResources.Credential),
                    ["blind_credentials"] = Flags(acl, caller, AclResources.BlindCredential),
                    ["services"] = Flags(acl, caller, AclResources.Service),
                },
                ["xsrf_cookie_name"] = api.Value.XsrfCookieName,
            },
        });
    }

    private static WireJsonResult GenerateValue() => ApiResults.Plain(new JsonObject { ["value"] = ValueGenerator.Generate() });

    private static JsonObject Flags(IAclPolicy acl, ConfidantPrincipal caller, string resource) => new()
    {
        ["list"] = acl.IsAllowed(caller, resource, AclActions.List),
        ["create"] = acl.IsAllowed(caller, resource, AclActions.Create),
    };
}
