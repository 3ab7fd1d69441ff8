using System.Text;
using Confidant.Services.Authorization;
using Confidant.Services.Caching;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Api;

/// <summary>
/// The response bytes of <c>GET /v1/services/&lt;id&gt;</c> — the route every workload polls — kept for a few
/// seconds per caller. An entry is dropped as soon as this process writes anything to the store, and never lives
/// longer than <see cref="ApiOptions.ServiceResponseCacheSeconds"/>, which bounds how stale a read can be after a
/// write made by another instance. A body is never changed once stored, because any number of responses may still
/// be writing it to their sockets; it is not zeroed on eviction either (why: docs/decisions/0006-service-response-cache.md).
/// </summary>
public sealed class ServiceResponseCache
{
    private readonly BoundedLruCache<string, Entry>? _entries;
    private readonly StoreGeneration _generation;

    public ServiceResponseCache(IOptions<ApiOptions> options, StoreGeneration generation, TimeProvider time)
    {
        _generation = generation;
        var settings = options.Value;
        if (settings.ServiceResponseCacheSeconds > 0)
        {
            _entries = new BoundedLruCache<string, Entry>(
                settings.ServiceResponseCacheSize,
                TimeSpan.FromSeconds(settings.ServiceResponseCacheSeconds),
                time);
        }
    }

    public bool TryGet(ConfidantPrincipal caller, string id, bool metadataOnly, out ReadOnlyMemory<byte> body)
    {
        if (_entries is not null && _entries.TryGet(Key(caller, id, metadataOnly), out var entry) && entry.Generation == _generation.Current)
        {
            body = entry.Body;
            return true;
        }

        body = ReadOnlyMemory<byte>.Empty;
        return false;
    }

    /// <summary>Remembers a response computed while the store was at <paramref name="generation"/>.</summary>
    public void Set(ConfidantPrincipal caller, string id, bool metadataOnly, long generation, ReadOnlyMemory<byte> body) =>
        _entries?.Set(Key(caller, id, metadataOnly), new Entry(generation, body));

    public long Generation => _generation.Current;

    private static string Key(ConfidantPrincipal caller, string id, bool metadataOnly)
    {
        var key = new StringBuilder()
            .Append(id).Append('\n').Append(metadataOnly).Append('\n')
            .Append(caller.Name).Append('\n').Append(caller.UserType).Append('\n').Append(caller.Account);
        if (caller.Roles is { } roles)
        {
            key.Append('\n').AppendJoin(',', roles.Order(StringComparer.Ordinal));
        }

        return key.ToString();
    }

    private sealed record Entry(long Generation, ReadOnlyMemory<byte> Body);
}
