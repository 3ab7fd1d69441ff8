using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confidant.Services.Crypto;

namespace Confidant.Services.Events;

/// <summary>The HTTP request one delivery attempt sends, in the endpoint's format.</summary>
internal static class WebhookRequest
{
    public const string SignatureHeader = "Confidant-Signature";
    public const string EventIdHeader = "Confidant-Event-Id";
    public const string EventTypeHeader = "Confidant-Event-Type";

    // Content-type exactly as the original's requests library sent it, without a charset parameter (spec §9.8).
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>
    /// Signed: the body, then <c>Confidant-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>
    /// made at <paramref name="now"/>, so that each retry carries a fresh timestamp for the receiver's replay window.
    /// Original: spec §9.8's body and headers, with Basic auth only when a user or password is set.
    /// </summary>
    public static HttpRequestMessage Build(WebhookEndpointOptions endpoint, ConfidantEvent change, DateTimeOffset now)
    {
        var body = endpoint.Format == WebhookFormat.Original ? OriginalBody(change) : SignedBody(change);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        if (endpoint.Format == WebhookFormat.Original)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
            if (endpoint.Username is not null || endpoint.Password is not null)
            {
                // The original wrote an unset half as Python's None (spec §13.30).
                var pair = $"{endpoint.Username ?? "None"}:{endpoint.Password ?? "None"}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
            }

            return request;
        }

        request.Headers.Add(EventIdHeader, change.Id);
        request.Headers.Add(EventTypeHeader, change.Type);
        request.Headers.Add(SignatureHeader, WebhookSignature.Header(endpoint.Secret!, now, body));
        return request;
    }

    /// <summary>spec §9.8: <c>{"event_type": …, "services": […], "credentials": […]}</c> as Python's json.dumps writes it.</summary>
    public static byte[] OriginalBody(ConfidantEvent change)
    {
        var text = new StringBuilder("{\"event_type\": ");
        PythonJson.WriteString(text, change.Type);
        text.Append(", \"services\": ");
        WriteList(text, change.Services);
        text.Append(", \"credentials\": ");
        WriteList(text, change.Credentials);
        text.Append('}');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] SignedBody(ConfidantEvent change)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", change.Id);
            json.WriteString("event_type", change.Type);
            json.WriteString("occurred_at", change.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("actor", change.Actor);
            json.WriteStartArray("services");
            change.Services.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteStartArray("credentials");
            change.Credentials.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            if (change.Details is { ValueKind: JsonValueKind.Object } details)
            {
                foreach (var property in details.EnumerateObject())
                {
                    property.WriteTo(json);
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteList(StringBuilder text, IReadOnlyList<string> values)
    {
        text.Append('[');
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(i == 0 ? "" : ", ");
            PythonJson.WriteString(text, values[i]);
        }

        text.Append(']');
    }
}
