using System.Text;
using System.Text.Json.Nodes;

namespace Confidant.Web.Api.Json;

/// <summary>A JSON response in one of the two wire styles (spec §1.2). Every success is 200 (spec §0).</summary>
public sealed class WireJsonResult(JsonNode? body, bool plain, int statusCode = StatusCodes.Status200OK) : IResult
{
    public int StatusCode { get; } = statusCode;

    public string Text { get; } = plain ? WireJson.Plain(body) : WireJson.Schema(body);

    /// <summary>When set, the <c>Retry-After</c> header (seconds) of a 429 or 503.</summary>
    public int? RetryAfterSeconds { get; init; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = "application/json";
        if (RetryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return httpContext.Response.WriteAsync(Text, Encoding.UTF8, httpContext.RequestAborted);
    }
}

/// <summary>Shorthands for the API's results.</summary>
public static class ApiResults
{
    public static WireJsonResult Schema(JsonNode body) => new(body, plain: false);

    public static WireJsonResult Plain(JsonNode body) => new(body, plain: true);

    /// <summary>An error in the documented shape: style P <c>{"error": ..., "reference": ...}</c>.</summary>
    public static WireJsonResult Error(int statusCode, string message, string? reference = null, JsonNode? conflicts = null)
    {
        var body = new JsonObject { ["error"] = message };
        if (reference is not null)
        {
            body["reference"] = reference;
        }

        if (conflicts is not null)
        {
            body["conflicts"] = conflicts;
        }

        return new WireJsonResult(body, plain: true, statusCode);
    }

    /// <summary>
    /// 503 with <c>Retry-After</c>: a dependency is down, throttling or stalled. confidant-client retries 503 with
    /// back-off (spec §11.4) and urllib3 honours the header.
    /// </summary>
    public static WireJsonResult Unavailable(string message) =>
        new(new JsonObject { ["error"] = message }, plain: true, StatusCodes.Status503ServiceUnavailable) { RetryAfterSeconds = UnavailableRetryAfterSeconds };

    /// <summary>429 with <c>Retry-After</c>: the client's address spent its request budget.</summary>
    public static WireJsonResult TooManyRequests(int retryAfterSeconds) =>
        new(new JsonObject { ["error"] = "Too many requests; try again later." }, plain: true, StatusCodes.Status429TooManyRequests)
        {
            RetryAfterSeconds = Math.Max(1, retryAfterSeconds),
        };

    public const int UnavailableRetryAfterSeconds = 2;

    /// <summary>The bare <c>404 {}</c> many lookups answer (spec §1.4).</summary>
    public static WireJsonResult EmptyNotFound() => new(new JsonObject(), plain: true, StatusCodes.Status404NotFound);
}

/// <summary>A 200 JSON response whose bytes are already serialised; they are only read, never changed.</summary>
public sealed class RawJsonResult(ReadOnlyMemory<byte> body) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = body.Length;
        return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
