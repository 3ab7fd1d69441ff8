using System.Text.Json;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>
/// Marking exposed and reading what it reaches: <c>POST</c> and <c>GET …/exposure</c> of credentials and blind
/// credentials, <c>POST /v1/services/{id}/exposure</c> (every credential the service maps), and incident progress. The
/// domain decides who may (<see cref="ExposureService"/>, <see cref="BlastRadius"/>, <see cref="IncidentProgress"/>).
/// </summary>
public static class ExposureEndpoints
{
    public static RouteGroupBuilder MapExposureEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/credentials/{id}/exposure", (HttpContext http, ExposureService exposure, string id) =>
            MarkAsync(http, exposure, AclResources.Credential, id));
        v1.MapGet("/credentials/{id}/exposure", (HttpContext http, BlastRadius radius, string id) =>
            ReportAsync(http, radius, AclResources.Credential, id));
        v1.MapPost("/blind_credentials/{id}/exposure", (HttpContext http, ExposureService exposure, string id) =>
            MarkAsync(http, exposure, AclResources.BlindCredential, id));
        v1.MapGet("/blind_credentials/{id}/exposure", (HttpContext http, BlastRadius radius, string id) =>
            ReportAsync(http, radius, AclResources.BlindCredential, id));
        v1.MapPost("/services/{id}/exposure", (HttpContext http, ExposureService exposure, string id) =>
            MarkAsync(http, exposure, AclResources.Service, id));
        v1.MapGet("/incidents", ListIncidents);
        v1.MapGet("/incidents/{incident}", GetIncident);
        return v1;
    }

    private static async Task<IResult> MarkAsync(HttpContext http, ExposureService exposure, string resourceType, string id)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request);
        var input = new ExposureInput(
            RequestJson.OptionalString(body, "reason"),
            RequestJson.OptionalString(body, "incident"),
            Revision(RequestJson.Property(body, "revision")));
        var marks = await exposure.MarkAsync(http.ToConfidantPrincipal(), resourceType, id, input, http.RequestAborted);
        return ApiResults.Schema(ExposureContract.Marks(marks));
    }

    private static async Task<IResult> ReportAsync(HttpContext http, BlastRadius radius, string resourceType, string id) =>
        ApiResults.Schema(ExposureContract.Report(await radius.ReadAsync(http.ToConfidantPrincipal(), resourceType, id, http.RequestAborted)));

    private static async Task<IResult> ListIncidents(HttpContext http, IncidentProgress incidents) =>
        ApiResults.Schema(ExposureContract.Incidents(await incidents.ListAsync(http.ToConfidantPrincipal(), http.RequestAborted)));

    private static async Task<IResult> GetIncident(HttpContext http, IncidentProgress incidents, string incident) =>
        ApiResults.Schema(ExposureContract.Incident(await incidents.GetAsync(http.ToConfidantPrincipal(), incident, http.RequestAborted)));

    /// <summary>An integer or null; anything else (a string, a fraction, a huge number) is the client's error.</summary>
    private static int? Revision(JsonElement? value) => value?.ValueKind switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.Number when value.Value.TryGetInt32(out var revision) => revision,
        _ => throw ConfidantException.BadRequest("revision must be a positive integer"),
    };
}
