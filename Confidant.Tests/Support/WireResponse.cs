using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Confidant.Tests.Support;

/// <summary>
/// A buffered API response with checks for the two wire styles of spec §1.2 and the error shapes of spec §1.4.
/// </summary>
public sealed partial class WireResponse
{
    private WireResponse(HttpResponseMessage response, string body)
    {
        Response = response;
        Body = body;
    }

    public HttpResponseMessage Response { get; }

    public HttpStatusCode Status => Response.StatusCode;

    public string Body { get; }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public static async Task<WireResponse> ReadAsync(HttpResponseMessage response)
    {
        return new WireResponse(response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Style S: 200, JSON, Python separators, no trailing newline; returns the parsed body.</summary>
    public JsonElement AssertSchema()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {(int)Status}: {Body}");
        Assert.Equal("application/json", Response.Content.Headers.ContentType?.MediaType);
        Assert.False(Body.EndsWith('\n'), "style S has no trailing newline");
        return Json;
    }

    /// <summary>Style P: 200, <c>application/json</c>, compact, keys sorted at every level, trailing newline.</summary>
    public JsonElement AssertPlain() => AssertPlain(HttpStatusCode.OK);

    public JsonElement AssertPlain(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Body}");
        Assert.Equal("application/json", Response.Content.Headers.ContentType?.ToString());
        Assert.EndsWith("\n", Body, StringComparison.Ordinal);
        var json = Json;
        AssertSortedAndCompact(json);

        // Compact separators: re-serialising the parsed body without whitespace gives the same bytes.
        Assert.Equal(JsonSerializer.Serialize(json, CompactAscii) + "\n", Body);
        return json;
    }

    /// <summary>An error body of spec §1.4: style P <c>{"error": message[, "reference": id]}</c>.</summary>
    public void AssertError(HttpStatusCode status, string message, string? reference = null)
    {
        var json = AssertPlain(status);
        Assert.Equal(message, json.GetProperty("error").GetString());
        if (reference is not null)
        {
            Assert.Equal(reference, json.GetProperty("reference").GetString());
        }
    }

    /// <summary>An error whose text the spec leaves open (a 400 where the original crashed): status and shape only.</summary>
    public void AssertSomeError(HttpStatusCode status)
    {
        var json = AssertPlain(status);
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetString()));
    }

    /// <summary>The bare <c>404 {}</c> of spec §1.4.</summary>
    public void AssertEmptyNotFound()
    {
        Assert.Equal(HttpStatusCode.NotFound, Status);
        Assert.Equal("{}\n", Body);
    }

    /// <summary>Style S date: ISO-8601 UTC with <c>+00:00</c>, 0 or 6 fraction digits (spec §1.2).</summary>
    public static void AssertIsoDate(JsonElement value) =>
        Assert.Matches(IsoDatePattern(), value.GetString());

    /// <summary>Style P date: RFC-1123 with GMT (spec §1.2).</summary>
    public static void AssertHttpDate(JsonElement value) =>
        Assert.Matches(HttpDatePattern(), value.GetString());

    public static void AssertFields(JsonElement obj, params string[] names) =>
        Assert.Equal(names.Order(StringComparer.Ordinal), obj.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    private static readonly JsonSerializerOptions CompactAscii = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static void AssertSortedAndCompact(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = element.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(names.Order(StringComparer.Ordinal), names);
                foreach (var property in element.EnumerateObject())
                {
                    AssertSortedAndCompact(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AssertSortedAndCompact(item);
                }

                break;
            default:
                break;
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$")]
    private static partial Regex IsoDatePattern();

    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$")]
    private static partial Regex HttpDatePattern();
}
