using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml.Linq;
using Confidant.Services.Errors;
using Confidant.Services.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Confidant.Web.DataProtection;

/// <summary>
/// The Data Protection key ring kept in the product's store, one <see cref="JobItem"/> per element (a key, or a
/// revocation), so that every instance on the same store reads the same ring. Elements are written once and never
/// changed; the key material inside them arrives already wrapped by <see cref="KeyServiceXmlEncryptor"/>.
/// </summary>
internal sealed class StoreXmlRepository(IConfidantStore store, TimeProvider time) : IXmlRepository
{
    /// <summary>The prefix of the items' ids; the colon keeps them out of credential and service ids.</summary>
    public const string IdPrefix = "confidant-dataprotection:";

    private const string WrittenBy = "data-protection";

    public IReadOnlyCollection<XElement> GetAllElements() =>
        SynchronousCall.Run(() => ReadAllAsync(CancellationToken.None));

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        SynchronousCall.Run(() => WriteAsync(element, friendlyName, CancellationToken.None));
    }

    internal async Task<IReadOnlyCollection<XElement>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync(DataType.Job, PageRequest.All, cancellationToken);
        var elements = new List<XElement>();
        foreach (var item in page.Items)
        {
            if (item is JobItem job && job.Id.StartsWith(IdPrefix, StringComparison.Ordinal))
            {
                elements.Add(XElement.Parse(Decode(job)));
            }
        }

        return elements;
    }

    private async Task WriteAsync(XElement element, string friendlyName, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new StoredElement(element.ToString(SaveOptions.DisableFormatting)));
        var id = IdPrefix + (string.IsNullOrWhiteSpace(friendlyName) ? Suffix() : friendlyName);
        try
        {
            await SaveAsync(id, body, cancellationToken);
        }
        catch (RevisionConflictException)
        {
            // Another element under the same name (two revocations in one second): both are kept.
            await SaveAsync($"{id}-{Suffix()}", body, cancellationToken);
        }
    }

    private Task SaveAsync(string id, string body, CancellationToken cancellationToken) => store.SaveJobAsync(
        JobItem.At(id, 1, body, time.GetUtcNow(), WrittenBy),
        cancellationToken);

    private static string Decode(JobItem job)
    {
        try
        {
            return JsonSerializer.Deserialize<StoredElement>(job.Body)?.Xml
                ?? throw new InvalidDataException($"The Data Protection element {job.Id} is JSON null.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"The Data Protection element {job.Id} cannot be read.", error);
        }
    }

    private static string Suffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private sealed record StoredElement([property: JsonPropertyName("xml")] string Xml);
}
