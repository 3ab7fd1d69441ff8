using System.Text.Json;
using System.Text.Json.Serialization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.Cluster;

/// <summary>
/// The installation's change beacon: one job item of the store whose revision moves each time a process announces that
/// it changed what reads show, and whose body counts the announcements that asked every process to forget its data
/// keys. Every server reads it every <c>Cluster:CoherenceMilliseconds</c>; one read tells it whether anything changed
/// anywhere, without reading what changed.
/// </summary>
public sealed class ChangeBeacon(IConfidantStore store, TimeProvider time)
{
    /// <summary>The item's id; the colon keeps it out of the ids Confidant gives resources.</summary>
    public const string ItemId = "confidant-cluster:changes";

    private const int MaxAttempts = 5;

    /// <summary>The beacon as it is now; revision 0 when nothing was ever announced.</summary>
    public async Task<BeaconState> ReadAsync(CancellationToken cancellationToken = default) =>
        await store.GetAsync(ItemId, cancellationToken) is JobItem item ? Parse(item) : new BeaconState(0, 0);

    /// <summary>
    /// Moves the beacon on after a change made by <paramref name="announcer"/>; returns it as this announcement left it.
    /// A concurrent announcement that moved it first already tells everyone that something changed after this change
    /// was stored, so losing that race is as good as winning it, unless data keys are to be forgotten too: that is
    /// counted only by an announcement of its own, retried until it lands.
    /// </summary>
    public async Task<Announcement> AnnounceAsync(bool forgetDataKeys, string announcer, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(cancellationToken);
            var next = new BeaconState(current.Revision + 1, current.DataKeyPurges + (forgetDataKeys ? 1 : 0));
            try
            {
                await store.SaveJobAsync(Item(next, announcer), cancellationToken);
                return new Announcement(next, Own: true);
            }
            catch (RevisionConflictException) when (!forgetDataKeys)
            {
                return new Announcement(await ReadAsync(cancellationToken), Own: false);
            }
            catch (RevisionConflictException) when (attempt < MaxAttempts)
            {
                // Counted only by an announcement of its own: read again and retry.
            }
        }
    }

    private JobItem Item(BeaconState state, string announcer) =>
        JobItem.At(ItemId, state.Revision, JsonSerializer.Serialize(new Body(state.DataKeyPurges)), time.GetUtcNow(), announcer);

    private static BeaconState Parse(JobItem item)
    {
        try
        {
            return new BeaconState(item.Revision, JsonSerializer.Deserialize<Body>(item.Body)?.DataKeyPurges ?? 0);
        }
        catch (JsonException)
        {
            // A beacon nobody can read still moves: its revision alone tells that something changed.
            return new BeaconState(item.Revision, 0);
        }
    }

    private sealed record Body([property: JsonPropertyName("data_key_purges")] long DataKeyPurges);
}

/// <summary>The change beacon as read: how many announcements it counts, and how many asked to forget data keys.</summary>
public sealed record BeaconState(int Revision, long DataKeyPurges);

/// <summary>The beacon after an announcement, and whether the announcement moved it (false: another one did, first).</summary>
public sealed record Announcement(BeaconState State, bool Own);
