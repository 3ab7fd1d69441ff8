using System.Globalization;
using System.Text;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Errors;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Audit;

/// <summary>
/// <c>GET /audit/export?format=csv|json&amp;…</c>: every record matching the audit page's filters (the parameters of
/// GET /v1/audit but <c>limit</c> and <c>page</c>), newest first, as a download. Signed-in people only (the cookie
/// session; no antiforgery token, as a GET changes nothing and another site cannot read the answer), admins only
/// (the domain decides). The first page is read before anything is sent, so a refusal or a bad filter is still a
/// 403 or 400 in the documented shape; the rest is streamed a page at a time.
/// </summary>
public static class AuditExportEndpoints
{
    public const string Path = "/audit/export";

    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, ExportAsync).RequireAuthorization().AddEndpointFilter<ApiErrorFilter>().ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The export link for the filters of <paramref name="query"/>.</summary>
    public static string Link(string format, AuditQuery query)
    {
        var parameters = new List<string> { "format=" + format };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parameters.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("resource_id", query.ResourceId);
        Add("actor", query.Actor);
        Add("action", query.Action);
        Add("outcome", query.Outcome);
        Add("flag", query.Flag);
        Add("from", query.From?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add("to", query.To?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        return Path + "?" + string.Join('&', parameters);
    }

    private static async Task<IResult> ExportAsync(HttpContext http, AuditReader reader, TimeProvider time)
    {
        var csv = http.Request.Query["format"].ToString() switch
        {
            "csv" => true,
            "json" => false,
            _ => throw ConfidantException.BadRequest("format must be csv or json."),
        };
        var caller = http.ToConfidantPrincipal();
        var query = AuditQueryParameters.Parse(http.Request.Query) with { Limit = AuditQuery.MaxLimit, Page = null };
        var first = await reader.QueryAsync(caller, query, http.RequestAborted);
        var name = string.Create(CultureInfo.InvariantCulture, $"audit-{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.{(csv ? "csv" : "json")}");
        return new ExportResult(reader, caller, query, first, csv, name);
    }

    private sealed class ExportResult(
        AuditReader reader,
        ConfidantPrincipal caller,
        AuditQuery query,
        AuditPage first,
        bool csv,
        string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var aborted = httpContext.RequestAborted;
            response.ContentType = csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            response.Headers.CacheControl = "no-store";
            await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024);
            await writer.WriteAsync(csv ? AuditCsv.Header : "[");
            var written = 0;
            var page = first;
            while (true)
            {
                foreach (var record in page.Records)
                {
                    await writer.WriteAsync(csv
                        ? AuditCsv.Row(record)
                        : (written == 0 ? "\n" : ",\n") + WireJson.Schema(AuditContract.Record(record)));
                    written++;
                }

                await writer.FlushAsync(aborted);
                if (page.NextPage is not { } next)
                {
                    break;
                }

                page = await reader.QueryAsync(caller, query with { Page = next }, aborted);
            }

            if (!csv)
            {
                await writer.WriteAsync(written == 0 ? "]\n" : "\n]\n");
            }
        }
    }
}
