using System.Text.Json;
using System.Text.Json.Serialization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.Background;

/// <summary>
/// Claims on background work that must run on one server at a time (retrying webhooks, and the like), kept in the
/// store as one job item per piece of work (id <c>confidant-lease:&lt;name&gt;</c>). A claim is taken or renewed with a
/// conditional write, so of two servers trying at once exactly one holds it; it lasts for the duration given and is
/// taken over by another server only once it has run out, so a server that dies holds its work that long at most.
/// </summary>
public sealed class StoreLease(IConfidantStore store, TimeProvider time)
{
    public const string IdPrefix = "confidant-lease:";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Takes <paramref name="name"/> for <paramref name="holder"/> until <paramref name="duration"/> from now, or renews
    /// the holder's claim. False when another holder's claim has not run out, or another server took it meanwhile.
    /// </summary>
    public async Task<bool> TryHoldAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var current = await ReadAsync(name, cancellationToken);
        if (current is { } held && held.Holder != holder && held.Until > now)
        {
            return false;
        }

        try
        {
            await store.SaveJobAsync(Item(name, (current?.Revision ?? 0) + 1, new Claim(holder, now + duration), now), cancellationToken);
            return true;
        }
        catch (RevisionConflictException)
        {
            return false;
        }
    }

    /// <summary>Lets go of the holder's claim, so another server may take the work at once; nothing when it is not held.</summary>
    public async Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken = default)
    {
        if (await ReadAsync(name, cancellationToken) is { } held && held.Holder == holder)
        {
            await store.DeleteJobAsync(IdPrefix + name, held.Revision, cancellationToken);
        }
    }

    /// <summary>Who holds <paramref name="name"/> now, or null when nobody does (never claimed, released, or run out).</summary>
    public async Task<string?> HolderAsync(string name, CancellationToken cancellationToken = default) =>
        await ReadAsync(name, cancellationToken) is { } held && held.Until > time.GetUtcNow() ? held.Holder : null;

    private async Task<Held?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(IdPrefix + name, cancellationToken) is not JobItem item)
        {
            return null;
        }

        try
        {
            var claim = JsonSerializer.Deserialize<Claim>(item.Body, Json);
            return claim is null ? new Held(item.Revision, string.Empty, DateTimeOffset.MinValue) : new Held(item.Revision, claim.Holder, claim.Until);
        }
        catch (JsonException)
        {
            // An unreadable claim holds nothing: the next server to try takes it over.
            return new Held(item.Revision, string.Empty, DateTimeOffset.MinValue);
        }
    }

    private static JobItem Item(string name, int revision, Claim claim, DateTimeOffset now) =>
        JobItem.At(IdPrefix + name, revision, JsonSerializer.Serialize(claim, Json), now, claim.Holder);

    private sealed record Claim([property: JsonRequired] string Holder, [property: JsonRequired] DateTimeOffset Until);

    private sealed record Held(int Revision, string Holder, DateTimeOffset Until);
}
