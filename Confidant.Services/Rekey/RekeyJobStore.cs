using System.Text.Json;
using System.Text.Json.Serialization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.Rekey;

/// <summary>The job's state as one <see cref="JobItem"/> of the store, replaced whole and conditionally at each save.</summary>
public sealed class RekeyJobStore(IConfidantStore store)
{
    /// <summary>
    /// The item's id. The colon keeps it out of the ids Confidant gives credentials (hex) and services (IAM role names).
    /// </summary>
    public const string ItemId = "confidant-job:rekey";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The job, or null when none was ever queued.</summary>
    public async Task<RekeyJob?> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (await store.GetAsync(ItemId, cancellationToken) is not JobItem item)
        {
            return null;
        }

        try
        {
            var job = JsonSerializer.Deserialize<RekeyJob>(item.Body, Json)
                ?? throw new InvalidDataException("The rekey job's state is JSON null.");
            return job with { Revision = item.Revision };
        }
        catch (JsonException error)
        {
            throw new InvalidDataException("The rekey job's state cannot be read.", error);
        }
    }

    /// <summary>
    /// Saves <paramref name="job"/> as the revision after the one it was read at; returns it at its new revision. A save
    /// made by someone else since raises a <see cref="RevisionConflictException"/>.
    /// </summary>
    public async Task<RekeyJob> SaveAsync(RekeyJob job, DateTimeOffset now, string savedBy, CancellationToken cancellationToken = default)
    {
        var saved = job with { Revision = job.Revision + 1, UpdatedAt = now };
        await store.SaveJobAsync(
            JobItem.At(ItemId, saved.Revision, JsonSerializer.Serialize(saved, Json), now, savedBy),
            cancellationToken);
        return saved;
    }
}
