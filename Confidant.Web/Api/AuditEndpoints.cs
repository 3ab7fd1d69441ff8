using Confidant.Services.Audit;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>/v1/audit: the audit trail and its chains' status, for admins (the domain's <see cref="AuditReader"/> decides).</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/audit", ListAudit);
        v1.MapGet("/audit/status", GetAuditStatus);
        return v1;
    }

    private static async Task<IResult> ListAudit(HttpContext http, AuditReader reader)
    {
        var caller = http.ToConfidantPrincipal();
        var query = AuditQueryParameters.Parse(http.Request.Query);
        var page = await reader.QueryAsync(caller, query, http.RequestAborted);
        return ApiResults.Schema(AuditContract.Page(page));
    }

    private static async Task<IResult> GetAuditStatus(HttpContext http, AuditReader reader) =>
        ApiResults.Schema(AuditContract.Status(await reader.StatusAsync(http.ToConfidantPrincipal(), http.RequestAborted)));
}
