namespace Confidant.Services.Catalogue;

/// <summary>What a <see cref="CatalogueEntry"/> names.</summary>
public enum CatalogueKind
{
    Credential,
    BlindCredential,
    Service,

    /// <summary>A credential moved to the archive table (spec §9.3).</summary>
    ArchivedCredential,
}
