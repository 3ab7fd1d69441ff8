using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confidant.Services.Credentials;
using Confidant.Services.Storage;

namespace Confidant.Services.Revisions;

/// <summary>
/// Diffs between two revisions in the shape of spec §4.2 / §4.5: <c>{field: {"added": .., "removed": ..}}</c>.
/// Pair values are never part of a diff: only the keys whose value changed.
/// </summary>
public static class RevisionDiff
{
    public static JsonObject Credentials(CredentialItem old, CredentialPairs oldPairs, CredentialItem @new, CredentialPairs newPairs)
    {
        var diff = new JsonObject();
        Scalar(diff, "name", old.Name, @new.Name);
        KeyedChanges(diff, "credential_pairs", ToMap(oldPairs), ToMap(newPairs));
        KeyedChanges(diff, "metadata", MetadataMap(old.Metadata), MetadataMap(@new.Metadata));
        Scalar(diff, "enabled", old.Enabled, @new.Enabled);
        Scalar(diff, "documentation", old.Documentation, @new.Documentation);
        SetChanges(diff, "tags", old.Tags, @new.Tags, keepEmpty: true);
        Scalar(diff, "last_rotation_date", HttpDate(old.LastRotationDate), HttpDate(@new.LastRotationDate));
        Always(diff, old, @new);
        return diff;
    }

    public static JsonObject Services(ServiceItem old, ServiceItem @new)
    {
        var diff = new JsonObject();
        Scalar(diff, "enabled", old.Enabled, @new.Enabled);
        SetChanges(diff, "credentials", old.Credentials, @new.Credentials, keepEmpty: false);
        SetChanges(diff, "blind_credentials", old.BlindCredentials, @new.BlindCredentials, keepEmpty: false);
        Scalar(diff, "account", old.Account, @new.Account);
        Always(diff, old, @new);
        return diff;
    }

    /// <summary>Whether two JSON texts hold the same value (object member order aside).</summary>
    public static bool SameJson(string left, string right)
    {
        using var l = JsonDocument.Parse(left);
        using var r = JsonDocument.Parse(right);
        return JsonElement.DeepEquals(l.RootElement, r.RootElement);
    }

    /// <summary>RFC 1123 date as the original's plain JSON style writes it (spec §1.2).</summary>
    public static string? HttpDate(DateTimeOffset? date) =>
        date?.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);

    private static void Always(JsonObject diff, StoredItem old, StoredItem @new)
    {
        diff["modified_by"] = Change(old.ModifiedBy, @new.ModifiedBy);
        diff["modified_date"] = Change(HttpDate(old.ModifiedDate), HttpDate(@new.ModifiedDate));
    }

    private static void Scalar<T>(JsonObject diff, string field, T old, T @new)
    {
        if (!EqualityComparer<T>.Default.Equals(old, @new))
        {
            diff[field] = Change(old, @new);
        }
    }

    private static JsonObject Change<T>(T old, T @new) => new()
    {
        ["added"] = JsonValue.Create(@new),
        ["removed"] = JsonValue.Create(old),
    };

    private static void KeyedChanges(JsonObject diff, string field, Dictionary<string, string> old, Dictionary<string, string> @new)
    {
        var added = @new.Where(p => !old.TryGetValue(p.Key, out var v) || v != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        var removed = old.Where(p => !@new.TryGetValue(p.Key, out var v) || v != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        AddLists(diff, field, added, removed, keepEmpty: false);
    }

    private static void SetChanges(JsonObject diff, string field, IReadOnlyList<string> old, IReadOnlyList<string> @new, bool keepEmpty)
    {
        var added = @new.Except(old, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var removed = old.Except(@new, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        AddLists(diff, field, added, removed, keepEmpty);
    }

    private static void AddLists(JsonObject diff, string field, List<string> added, List<string> removed, bool keepEmpty)
    {
        if (added.Count == 0 && removed.Count == 0)
        {
            return;
        }

        var change = new JsonObject();
        if (added.Count > 0 || keepEmpty)
        {
            change["added"] = new JsonArray(added.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        }

        if (removed.Count > 0 || keepEmpty)
        {
            change["removed"] = new JsonArray(removed.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray());
        }

        diff[field] = change;
    }

    // Values are compared through a canonical text form and never leave this method.
    private static Dictionary<string, string> ToMap(CredentialPairs pairs) =>
        pairs.ToDictionary(p => p.Key, p => Crypto.PythonJson.Serialize(p.Value), StringComparer.Ordinal);

    private static Dictionary<string, string> MetadataMap(string metadataJson)
    {
        using var document = JsonDocument.Parse(metadataJson);
        return document.RootElement.EnumerateObject()
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Crypto.PythonJson.Serialize(g.Last().Value), StringComparer.Ordinal);
    }
}
