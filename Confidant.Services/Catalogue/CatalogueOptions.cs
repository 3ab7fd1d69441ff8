namespace Confidant.Services.Catalogue;

/// <summary>The shared catalogue of names behind every list of the UI (<see cref="ResourceCatalogue"/>).</summary>
public sealed class CatalogueOptions
{
    public const string SectionName = "Catalogue";

    /// <summary>
    /// The longest a catalogue is kept, whatever the store generation says: a bound on staleness should a change be
    /// missed. The first read after that starts a rebuild in the background (one listing of every item) and is served
    /// from the catalogue in hand meanwhile.
    /// </summary>
    public int MaxAgeSeconds { get; set; } = 60;
}
