namespace Confidant.Services.Catalogue;

/// <summary>The catalogue's lists as read, each in the catalogue's order.</summary>
internal sealed record CatalogueLists(
    List<CatalogueEntry> Credentials,
    List<CatalogueEntry> BlindCredentials,
    List<CatalogueEntry> Services,
    List<CatalogueEntry> Archived);
