using Confidant.Services.Exposure;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Rekey;

/// <summary>
/// The job's walk over every stored item that carries a data key, in a stable order: each phase (<see cref="RekeyPhase"/>)
/// is one query by data type, paged by modified date then id. The job never changes a date, so the order holds; an
/// item written meanwhile gets a later date and is reached further on (or was written under the target key anyway).
/// </summary>
internal sealed class RekeyWalk(IConfidantStore store, IOptions<StorageOptions> storage)
{
    /// <summary>
    /// How far before a pass began a catch-up pass still looks at archive dates: room for clocks of other servers that run
    /// behind this one's.
    /// </summary>
    internal static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

    private const int CountPageSize = 1000;

    private bool HasArchive => storage.Value.Provider != StorageProvider.DynamoDb || storage.Value.DynamoDb.ArchiveTable is not null;

    /// <summary>
    /// The next items after <paramref name="cursor"/> (at most <paramref name="limit"/>, possibly none at a phase's end)
    /// and the cursor after them. <paramref name="startedAt"/> opens the first catch-up pass's window.
    /// </summary>
    public async Task<WalkPage> NextAsync(RekeyCursor cursor, DateTimeOffset startedAt, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        switch (cursor.Phase)
        {
            case RekeyPhase.CatchUpEnd:
                // Another pass while the last one found items archived since the pass before it began.
                return new WalkPage([], cursor.PassRewrites > 0
                    ? new RekeyCursor(RekeyPhase.CatchUpCurrent, null, cursor.PassStartedAt - ClockMargin, now)
                    : new RekeyCursor(RekeyPhase.BlindCredentials));
            case RekeyPhase.BlindCredentials or RekeyPhase.Done:
                return new WalkPage([], new RekeyCursor(RekeyPhase.Done));
        }

        if (!HasArchive && cursor.Phase is not (RekeyPhase.PrimaryCurrent or RekeyPhase.PrimaryRevisions))
        {
            // No archive table (DynamoDB without Storage:DynamoDb:ArchiveTable): nothing was ever archived.
            var last = cursor.Phase is RekeyPhase.ArchiveCurrent or RekeyPhase.ArchiveRevisions ? RekeyPhase.ArchiveRevisions : RekeyPhase.CatchUpRevisions;
            return new WalkPage([], After(last, cursor, startedAt, now));
        }

        var (table, dataType) = Segment(cursor.Phase);
        var request = new PageRequest(limit, StartToken: cursor.Page);
        var page = table == StoreTable.Archive
            ? await store.QueryArchiveAsync(dataType, request, cancellationToken)
            : await store.QueryAsync(dataType, request, cancellationToken);
        var items = page.Items.OfType<CredentialItem>()
            .Where(item => cursor.Phase is not (RekeyPhase.CatchUpCurrent or RekeyPhase.CatchUpRevisions) || item.ArchiveDate >= cursor.ArchivedSince)
            .Select(item => new WalkItem(table, item))
            .ToList();
        var next = page.NextToken is { } token ? cursor with { Page = token } : After(cursor.Phase, cursor, startedAt, now);
        return new WalkPage(items, next);
    }

    /// <summary>The items of the phases before the catch-up passes: the job's size as it starts.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        foreach (var phase in new[] { RekeyPhase.ArchiveCurrent, RekeyPhase.ArchiveRevisions, RekeyPhase.PrimaryCurrent, RekeyPhase.PrimaryRevisions })
        {
            var (table, dataType) = Segment(phase);
            if (table == StoreTable.Archive && !HasArchive)
            {
                continue;
            }

            string? token = null;
            do
            {
                var request = new PageRequest(CountPageSize, StartToken: token);
                var page = table == StoreTable.Archive
                    ? await store.QueryArchiveAsync(dataType, request, cancellationToken)
                    : await store.QueryAsync(dataType, request, cancellationToken);
                count += page.Items.Count(item => item is CredentialItem);
                token = page.NextToken;
            }
            while (token is not null);
        }

        return count;
    }

    /// <summary>Every blind credential (current items, primary and archive) with the owners its metadata names.</summary>
    public async Task<IReadOnlyList<BlindCredentialOwners>> BlindCredentialsAsync(string ownerKey, CancellationToken cancellationToken)
    {
        var found = new List<BlindCredentialOwners>();
        foreach (var archived in HasArchive ? new[] { false, true } : [false])
        {
            string? token = null;
            do
            {
                var request = new PageRequest(CountPageSize, StartToken: token);
                var page = archived
                    ? await store.QueryArchiveAsync(DataType.BlindCredential, request, cancellationToken)
                    : await store.QueryAsync(DataType.BlindCredential, request, cancellationToken);
                found.AddRange(page.Items.OfType<BlindCredentialItem>().Select(b => new BlindCredentialOwners(b.Id, b.Name, Owners.From(b.Metadata, ownerKey), archived)));
                token = page.NextToken;
            }
            while (token is not null);
        }

        return found;
    }

    private static (StoreTable Table, DataType DataType) Segment(RekeyPhase phase) => phase switch
    {
        RekeyPhase.ArchiveCurrent or RekeyPhase.CatchUpCurrent => (StoreTable.Archive, DataType.Credential),
        RekeyPhase.ArchiveRevisions or RekeyPhase.CatchUpRevisions => (StoreTable.Archive, DataType.ArchiveCredential),
        RekeyPhase.PrimaryCurrent => (StoreTable.Primary, DataType.Credential),
        RekeyPhase.PrimaryRevisions => (StoreTable.Primary, DataType.ArchiveCredential),
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "The phase reads no items."),
    };

    /// <summary>The cursor at the start of the phase after <paramref name="phase"/>.</summary>
    private static RekeyCursor After(RekeyPhase phase, RekeyCursor cursor, DateTimeOffset startedAt, DateTimeOffset now) => phase switch
    {
        RekeyPhase.ArchiveCurrent => new RekeyCursor(RekeyPhase.ArchiveRevisions),
        RekeyPhase.ArchiveRevisions => new RekeyCursor(RekeyPhase.PrimaryCurrent),
        RekeyPhase.PrimaryCurrent => new RekeyCursor(RekeyPhase.PrimaryRevisions),

        // The first catch-up pass looks at everything archived since the job started.
        RekeyPhase.PrimaryRevisions => new RekeyCursor(RekeyPhase.CatchUpCurrent, null, startedAt - ClockMargin, now),
        RekeyPhase.CatchUpCurrent => cursor with { Phase = RekeyPhase.CatchUpRevisions, Page = null },
        _ => cursor with { Phase = RekeyPhase.CatchUpEnd, Page = null },
    };
}

/// <summary>An item of the walk and the table it was read from.</summary>
internal sealed record WalkItem(StoreTable Table, CredentialItem Item);

/// <summary>A page of the walk and the cursor after it.</summary>
internal sealed record WalkPage(IReadOnlyList<WalkItem> Items, RekeyCursor Next);
