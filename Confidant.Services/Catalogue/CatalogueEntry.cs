namespace Confidant.Services.Catalogue;

/// <summary>
/// One resource as the lists show it: its name and clear metadata, never a value, a ciphertext or a data key. A
/// service's name is its id. <see cref="Incidents"/> is null unless the resource is exposed; <see cref="Pending"/>
/// names the keys of an exposed credential or blind credential that still hold an exposed value.
/// </summary>
public sealed record CatalogueEntry(
    CatalogueKind Kind,
    string Id,
    string Name,
    bool Enabled,
    int Revision,
    DateTimeOffset ModifiedDate,
    DateTimeOffset? ArchiveDate,
    int MappedCount,
    IReadOnlyList<string>? Incidents,
    IReadOnlyList<string>? Pending);
