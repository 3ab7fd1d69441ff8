using System.Text.Json;
using System.Text.Json.Serialization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.Cluster;

/// <summary>
/// The installation's change beacon: one job item of the store whose revision moves each time a process announces that
/// it changed what reads show, and whose body counts the announcements that asked every process to forget its data
/// keys, and names the items the last announcement touched when they are few and known (new revisions of resources).
/// Every server reads it every <c>Cluster:CoherenceMilliseconds</c>; one read tells it whether anything changed
/// anywhere and, when exactly one announcement came since its last look, what.
/// </summary>
public sealed class ChangeBeacon(IConfidantStore store, TimeProvider time)
{
    /// <summary>The item's id; the colon keeps it out of the ids Confidant gives resources.</summary>
    public const string ItemId = "confidant-cluster:changes";

    /// <summary>The most items an announcement names; one that touched more names none, and every reader rebuilds.</summary>
    public const int MaxTouched = 100;

    private const int MaxAttempts = 5;

    /// <summary>The beacon as it is now; revision 0 when nothing was ever announced.</summary>
    public async Task<BeaconState> ReadAsync(CancellationToken cancellationToken = default) =>
        await store.GetAsync(ItemId, cancellationToken) is JobItem item ? Parse(item) : new BeaconState(0, 0, null);

    /// <summary>
    /// Moves the beacon on after changes made by <paramref name="announcer"/>, naming the items they touched when
    /// <paramref name="touched"/> knows them; returns the beacon as this announcement left it. A concurrent
    /// announcement that moved it first already tells everyone that something changed after these changes were stored,
    /// so losing that race is as good as winning it, unless the announcement says more: the items touched, or that data
    /// keys are to be forgotten, are told only by an announcement of its own, retried until it lands.
    /// </summary>
    public async Task<Announcement> AnnounceAsync(
        bool forgetDataKeys, IReadOnlySet<string>? touched, string announcer, CancellationToken cancellationToken = default)
    {
        var named = touched is { Count: <= MaxTouched } ? touched.Order(StringComparer.Ordinal).ToArray() : null;
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(cancellationToken);
            var next = new BeaconState(current.Revision + 1, current.DataKeyPurges + (forgetDataKeys ? 1 : 0), named);
            try
            {
                await store.SaveJobAsync(Item(next, announcer), cancellationToken);
                return new Announcement(next, Own: true);
            }
            catch (RevisionConflictException) when (!forgetDataKeys && named is null)
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
        JobItem.At(ItemId, state.Revision, JsonSerializer.Serialize(new Body(state.DataKeyPurges, state.Touched)), time.GetUtcNow(), announcer);

    private static BeaconState Parse(JobItem item)
    {
        try
        {
            var body = JsonSerializer.Deserialize<Body>(item.Body);
            return new BeaconState(item.Revision, body?.DataKeyPurges ?? 0, body?.Touched);
        }
        catch (JsonException)
        {
            // A beacon nobody can read still moves: its revision alone tells that something changed.
            return new BeaconState(item.Revision, 0, null);
        }
    }

    private sealed record Body(
        [property: JsonPropertyName("data_key_purges")] long DataKeyPurges,
        [property: JsonPropertyName("touched")] IReadOnlyList<string>? Touched);
}

/// <summary>
/// The change beacon as read: how many announcements it counts, how many asked to forget data keys, and the items the
/// last one touched (null when it did not name them).
/// </summary>
public sealed record BeaconState(int Revision, long DataKeyPurges, IReadOnlyList<string>? Touched);

/// <summary>The beacon after an announcement, and whether the announcement moved it (false: another one did, first).</summary>
public sealed record Announcement(BeaconState State, bool Own);
