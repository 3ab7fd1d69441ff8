using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Exposure;
using Confidant.Services.Storage;
using Confidant.Web.Components.Shared;

namespace Confidant.Web.Components.Pages.History;

/// <summary>The kinds of resource with revisions (spec §9.2) and their URL segment in <c>/history/{kind}/{id}</c>.</summary>
internal enum HistoryKind
{
    Credential,
    BlindCredential,
    Service,
}

/// <summary>One revision record in the list of all changes, with the incidents it was exposed under (none: null).</summary>
internal sealed record HistoryEntry(
    HistoryKind Kind, string Id, string Name, int Revision, string ModifiedBy, DateTimeOffset ModifiedDate, IReadOnlyList<string>? Incidents)
{
    public string Href => $"/history/{HistoryKinds.Slug(Kind)}/{Uri.EscapeDataString(Id)}";
}

internal static class HistoryKinds
{
    public static IReadOnlyList<HistoryKind> All { get; } = [HistoryKind.Credential, HistoryKind.BlindCredential, HistoryKind.Service];

    public static string Slug(HistoryKind kind) => kind switch
    {
        HistoryKind.Credential => "credential",
        HistoryKind.BlindCredential => "blind-credential",
        _ => "service",
    };

    public static string Label(HistoryKind kind) => kind switch
    {
        HistoryKind.Credential => "Credential",
        HistoryKind.BlindCredential => "Blind credential",
        _ => "Service",
    };

    public static HistoryKind? Parse(string? slug) => All.Cast<HistoryKind?>().FirstOrDefault(k => string.Equals(Slug(k!.Value), slug, StringComparison.Ordinal));

    public static HistoryEntry Entry(StoredItem item, ExposureSnapshot exposures) => item switch
    {
        CredentialItem c => new(HistoryKind.Credential, c.BaseId, c.Name, c.Revision, c.ModifiedBy, c.ModifiedDate, exposures.Of(c)?.Incidents),
        BlindCredentialItem b => new(HistoryKind.BlindCredential, b.BaseId, b.Name, b.Revision, b.ModifiedBy, b.ModifiedDate, exposures.Of(b)?.Incidents),
        _ => new(HistoryKind.Service, item.BaseId, item.BaseId, item.Revision, item.ModifiedBy, item.ModifiedDate, null),
    };

    /// <summary>A credential revision; <paramref name="credential"/> carries pairs only after a recorded reveal.</summary>
    public static RevisionDiff.Snapshot Snapshot(Credential credential) => new()
    {
        Revision = credential.Item.Revision,
        Name = credential.Item.Name,
        Enabled = credential.Item.Enabled,
        ModifiedBy = credential.Item.ModifiedBy,
        ModifiedDate = credential.Item.ModifiedDate,
        Keys = credential.Keys,
        Values = credential.Pairs?.ToDictionary(p => p.Key, p => CredentialPairs.DisplayText(p.Value), StringComparer.Ordinal),
        Metadata = Metadata(credential.Item.Metadata),
        Documentation = credential.Item.Documentation,
        Tags = credential.Item.Tags,
    };

    public static RevisionDiff.Snapshot Snapshot(BlindCredentialItem item) => new()
    {
        Revision = item.Revision,
        Name = item.Name,
        Enabled = item.Enabled,
        ModifiedBy = item.ModifiedBy,
        ModifiedDate = item.ModifiedDate,
        Keys = item.CredentialKeys,
        Metadata = Metadata(item.Metadata),
        Documentation = item.Documentation,
    };

    public static RevisionDiff.Snapshot Snapshot(ServiceItem item) => new()
    {
        Revision = item.Revision,
        Name = item.BaseId,
        Enabled = item.Enabled,
        ModifiedBy = item.ModifiedBy,
        ModifiedDate = item.ModifiedDate,
        Credentials = item.Credentials,
        BlindCredentials = item.BlindCredentials,
        Account = item.Account,
        IsService = true,
    };

    private static Dictionary<string, string> Metadata(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return result;
    }
}
