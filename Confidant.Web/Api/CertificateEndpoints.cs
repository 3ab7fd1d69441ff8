using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Certificates;
using Confidant.Services.Errors;
using Confidant.Web.Api.Binding;
using Confidant.Web.Api.Contracts;
using Confidant.Web.Api.Filters;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Confidant.Web.Api;

/// <summary>/v1/certificates… and /v1/cas… (spec §4.7). The domain decides; this maps the shapes and statuses.</summary>
public static partial class CertificateEndpoints
{
    public static RouteGroupBuilder MapCertificateEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/certificates/{ca}/{cn}", GetCertificate);

        // spec §4.12: issuing from a CSR stores nothing, so maintenance mode does not block it.
        v1.MapPost("/certificates/{ca}", GetCertificateFromCsr).WithMetadata(new MaintenanceModeFilter.NotAWrite());
        v1.MapGet("/cas", ListCas);
        v1.MapGet("/cas/{ca}", GetCa);
        return v1;
    }

    private static async Task<IResult> GetCertificate(
        HttpContext http, CertificateService certificates, ILogger<CertificateService> logger, string ca, string cn, [FromQuery] string[]? san, string? validity)
    {
        try
        {
            var issued = await certificates.IssueWithKeyAsync(
                http.ToConfidantPrincipal(), ca, cn, san ?? [], QueryFlags.LenientInt(validity), http.RequestAborted);
            return ApiResults.Schema(CertificateContract.Issued(issued));
        }
        catch (CertificatePendingException)
        {
            // spec §4.7: the body is a bare JSON string, and the client is told when to come back.
            http.Response.Headers.RetryAfter = "2";
            return new WireJsonResult(JsonValue.Create(CertificateMessages.Pending), plain: true, StatusCodes.Status429TooManyRequests);
        }
        catch (CertificateAuthorityException error)
        {
            return AuthorityFailure(logger, error);
        }
    }

    private static async Task<IResult> GetCertificateFromCsr(HttpContext http, CertificateService certificates, ILogger<CertificateService> logger, string ca)
    {
        certificates.RequireAuthority(ca);

        // spec §4.7: a missing or non-JSON body is "no csr" (the Python client sends none, spec §5).
        var body = await RequestJson.ReadObjectAsync(http.Request, optional: true);
        var csr = RequestJson.Property(body, "csr");
        if (!RequestJson.IsTruthy(csr))
        {
            throw ConfidantException.BadRequest(ErrorMessages.CsrRequired);
        }

        if (csr!.Value.ValueKind != JsonValueKind.String)
        {
            throw ConfidantException.BadRequest(ErrorMessages.CsrNotDecoded);
        }

        try
        {
            var issued = await certificates.IssueFromCsrAsync(
                http.ToConfidantPrincipal(), ca, csr.Value.GetString()!, Validity(body), http.RequestAborted);
            return ApiResults.Schema(CertificateContract.Issued(issued));
        }
        catch (CertificateAuthorityException error)
        {
            return AuthorityFailure(logger, error);
        }
    }

    private static async Task<IResult> ListCas(HttpContext http, CertificateService certificates, ILogger<CertificateService> logger)
    {
        try
        {
            var cas = await certificates.ListAuthoritiesAsync(http.ToConfidantPrincipal(), http.RequestAborted);
            return ApiResults.Schema(new JsonObject
            {
                ["cas"] = new JsonArray(cas.Select(c => (JsonNode?)CertificateContract.Authority(c)).ToArray()),
            });
        }
        catch (CertificateAuthorityException error)
        {
            return AuthorityFailure(logger, error);
        }
    }

    private static async Task<IResult> GetCa(HttpContext http, CertificateService certificates, ILogger<CertificateService> logger, string ca)
    {
        try
        {
            return ApiResults.Schema(CertificateContract.Authority(
                await certificates.GetAuthorityAsync(http.ToConfidantPrincipal(), ca, http.RequestAborted)));
        }
        catch (CertificateAuthorityException error)
        {
            return AuthorityFailure(logger, error);
        }
    }

    /// <summary>The body's <c>validity</c>: absent or null means the CA's maximum; anything but a whole number is a 400.</summary>
    private static int? Validity(JsonElement body) => RequestJson.Property(body, "validity") switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var days) => days,
        _ => throw ConfidantException.BadRequest(CertificateMessages.ValidityNotPositive),
    };

    // A CA that is down or throttling is worth retrying (503); one that refuses is a configuration problem (500).
    private static WireJsonResult AuthorityFailure(ILogger logger, CertificateAuthorityException error)
    {
        LogAuthorityFailure(logger, error.Message);
        return error.Transient
            ? ApiResults.Error(StatusCodes.Status503ServiceUnavailable, "The certificate authority is unavailable; try again later.")
            : ApiResults.Error(StatusCodes.Status500InternalServerError, "The certificate authority could not complete the request.");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Certificate authority failure: {Reason}")]
    private static partial void LogAuthorityFailure(ILogger logger, string reason);
}
