using System.Text.Json;
using Confidant.Services.Errors;

namespace Confidant.Web.Api.Binding;

/// <summary>
/// Reads and type-checks JSON request bodies. Every problem is a 400 with a message naming the field; the body is
/// never echoed back (it may hold secrets).
/// </summary>
public static class RequestJson
{
    /// <summary>The largest request body the API accepts (bytes). Larger bodies get 413.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The body as a JSON object. A missing or non-JSON body gives an empty object when <paramref name="optional"/>
    /// and is a 400 otherwise; malformed JSON or a non-object is always a 400.
    /// </summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, bool optional = false)
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            throw new ConfidantException(ConfidantErrorKind.BadRequest, $"request body is larger than {MaxBodyBytes / 1024} KiB");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new ConfidantException(ConfidantErrorKind.BadRequest, $"request body is larger than {MaxBodyBytes / 1024} KiB");
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), request.HttpContext.RequestAborted);
        }

        if (buffer.Length == 0)
        {
            return optional ? EmptyObject() : throw ConfidantException.BadRequest("a JSON object request body is required");
        }

        if (!IsJsonContentType(request.ContentType))
        {
            // spec §1.1: where the original tolerated an unparsed body (the archive action) it counts as {}.
            return optional ? EmptyObject() : throw ConfidantException.BadRequest("request body must be sent with Content-Type: application/json");
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ConfidantException.BadRequest("request body must be a JSON object");
            }

            EnsureReadableText(document.RootElement);
            return document.RootElement.Clone();
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            throw ConfidantException.BadRequest("request body is not valid JSON");
        }
    }

    /// <summary>
    /// JsonDocument checks string contents (UTF-8 validity, escaped surrogate pairs) only when a string is read, which
    /// would surface as a 500 deep in a handler; reading every name and string once here turns it into the 400.
    /// </summary>
    private static void EnsureReadableText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    EnsureReadableText(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    EnsureReadableText(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }

    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    public static JsonElement? Property(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) ? value : null;

    public static string? OptionalString(JsonElement body, string name)
    {
        var value = Property(body, name);
        return value?.ValueKind switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.String => value.Value.GetString(),
            _ => throw ConfidantException.BadRequest($"{name} must be a string"),
        };
    }

    public static bool? OptionalBool(JsonElement body, string name, string message)
    {
        var value = Property(body, name);
        return value?.ValueKind switch
        {
            null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ConfidantException.BadRequest(message),
        };
    }

    public static IReadOnlyList<string>? OptionalStringList(JsonElement body, string name, string? message = null)
    {
        var value = Property(body, name);
        if (value is null || value.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Array || value.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw ConfidantException.BadRequest(message ?? $"{name} must be a list of strings");
        }

        return value.Value.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>The members of a JSON object field, or null when absent.</summary>
    public static IReadOnlyList<KeyValuePair<string, JsonElement>>? OptionalPairs(JsonElement body, string name, string message)
    {
        var value = Property(body, name);
        if (value is null || value.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.Value.ValueKind == JsonValueKind.Object
            ? value.Value.EnumerateObject().Select(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value)).ToList()
            : throw ConfidantException.BadRequest(message);
    }

    /// <summary>Python truthiness of a JSON value (spec §9.2 "a truthy revision").</summary>
    public static bool IsTruthy(JsonElement? value) => value?.ValueKind switch
    {
        null or JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined => false,
        JsonValueKind.String => value.Value.GetString()!.Length > 0,
        JsonValueKind.Number => value.Value.GetDouble() != 0,
        JsonValueKind.Array => value.Value.GetArrayLength() > 0,
        JsonValueKind.Object => value.Value.EnumerateObject().Any(),
        _ => true,
    };

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
