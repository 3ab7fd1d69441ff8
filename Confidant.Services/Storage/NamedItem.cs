namespace Confidant.Services.Storage;

/// <summary>
/// What a list of names needs of one current item, read without its ciphertexts, pairs or metadata
/// (<see cref="IConfidantStore.ListNamesAsync"/>), for the lists that show every resource and no value. A service's
/// <paramref name="Name"/> is its id; <paramref name="MappedCount"/> counts the credentials and blind credentials a
/// service maps (0 for anything else).
/// </summary>
public sealed record NamedItem(
    string Id,
    DataType DataType,
    string Name,
    bool Enabled,
    int Revision,
    DateTimeOffset ModifiedDate,
    DateTimeOffset? ArchiveDate,
    int MappedCount);

/// <summary>One page of <see cref="NamedItem"/>s; <paramref name="NextToken"/> is null when there is nothing more.</summary>
public sealed record NamePage(IReadOnlyList<NamedItem> Items, string? NextToken);

/// <summary>What every backend's <see cref="IConfidantStore.ListNamesAsync"/> checks alike.</summary>
internal static class NamedItems
{
    /// <summary>Only current credentials, blind credentials and services have names to list.</summary>
    public static void RequireListable(DataType dataType)
    {
        if (dataType is not (DataType.Credential or DataType.BlindCredential or DataType.Service))
        {
            throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "Only credentials, blind credentials and services have names to list.");
        }
    }
}
