using Confidant.Services.Errors;
using Confidant.Services.Rekey;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>/v1/rekey: the re-encryption job for admins (the domain's <see cref="RekeyService"/> decides).</summary>
public static class RekeyEndpoints
{
    public static RouteGroupBuilder MapRekeyEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/rekey", GetJob);
        v1.MapPost("/rekey", StartJob);
        v1.MapPost("/rekey/pause", PauseJob);
        v1.MapPost("/rekey/resume", ResumeJob);
        return v1;
    }

    private static async Task<IResult> GetJob(HttpContext http, RekeyService rekey)
    {
        var job = await rekey.GetAsync(http.ToConfidantPrincipal(), http.RequestAborted)
            ?? throw ConfidantException.NotFound("No rekey job has been queued.");
        return ApiResults.Schema(RekeyContract.From(job));
    }

    /// <summary>Body (optional): <c>{"mode": "rewrap"|"rekey", "to": KEY, "credentials": [ids]}</c>.</summary>
    private static async Task<IResult> StartJob(HttpContext http, RekeyService rekey)
    {
        var body = await RequestJson.ReadObjectAsync(http.Request, optional: true);
        var modeText = RequestJson.OptionalString(body, "mode");
        var mode = RekeyMode.Rewrap;
        if (modeText is not null && !RekeyModes.TryParse(modeText, out mode))
        {
            throw ConfidantException.BadRequest($"mode must be {RekeyModes.Rewrap} or {RekeyModes.Rekey}");
        }

        var request = new RekeyRequest(
            mode,
            RequestJson.OptionalString(body, "to"),
            RequestJson.OptionalStringList(body, "credentials"));
        return ApiResults.Schema(RekeyContract.From(await rekey.StartAsync(http.ToConfidantPrincipal(), request, http.RequestAborted)));
    }

    private static async Task<IResult> PauseJob(HttpContext http, RekeyService rekey) =>
        ApiResults.Schema(RekeyContract.From(await rekey.PauseAsync(http.ToConfidantPrincipal(), http.RequestAborted)));

    private static async Task<IResult> ResumeJob(HttpContext http, RekeyService rekey) =>
        ApiResults.Schema(RekeyContract.From(await rekey.ResumeAsync(http.ToConfidantPrincipal(), http.RequestAborted)));
}
