using System.Text;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Caching;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.ServiceMappings;

/// <summary>
/// The answers to <c>GET /v1/services/&lt;id&gt;</c> — the route every workload polls — kept for a few seconds per
/// caller, with what each answer delivers, so that a hit is recorded like a fresh read (it lives here, behind the
/// ACL and the audit of <see cref="ServiceMappingService"/>, for that reason). An entry is dropped as soon as this
/// process writes anything to the store, and never lives longer than
/// <see cref="ServiceResponseCacheOptions.ServiceResponseCacheSeconds"/>, which bounds how stale a read can be after a
/// write made by another instance. A body is never changed once stored, because any number of responses may still
/// be writing it to their sockets; it is not zeroed on eviction either (why: docs/decisions/0006-service-response-cache.md).
/// </summary>
public sealed class ServiceResponseCache
{
    private readonly BoundedLruCache<string, Entry>? _entries;
    private readonly StoreGeneration _generation;

    public ServiceResponseCache(IOptions<ServiceResponseCacheOptions> options, StoreGeneration generation, TimeProvider time)
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

    public long Generation => _generation.Current;

    public bool TryGet(ConfidantPrincipal caller, string id, bool metadataOnly, out ReadOnlyMemory<byte> body, out IReadOnlyList<AuditItem> delivered)
    {
        if (_entries is not null && _entries.TryGet(Key(caller, id, metadataOnly), out var entry) && entry.Generation == _generation.Current)
        {
            (body, delivered) = (entry.Body, entry.Delivered);
            return true;
        }

        (body, delivered) = (ReadOnlyMemory<byte>.Empty, []);
        return false;
    }

    /// <summary>Remembers an answer computed while the store was at <paramref name="generation"/>, and what it delivers.</summary>
    public void Set(ConfidantPrincipal caller, string id, bool metadataOnly, long generation, ReadOnlyMemory<byte> body, IReadOnlyList<AuditItem> delivered) =>
        _entries?.Set(Key(caller, id, metadataOnly), new Entry(generation, body, delivered));

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

    private sealed record Entry(long Generation, ReadOnlyMemory<byte> Body, IReadOnlyList<AuditItem> Delivered);
}

/// <summary>The response cache of <c>GET /v1/services/&lt;id&gt;</c> (docs/decisions/0006); keys under <c>Api</c> as before.</summary>
public sealed class ServiceResponseCacheOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// How long a GET /v1/services/&lt;id&gt; response may be served from memory (0 turns the cache off). Writes made
    /// through this instance take effect at once; writes made through another instance within this many seconds.
    /// </summary>
    public int ServiceResponseCacheSeconds { get; set; } = 5;

    /// <summary>How many service responses are kept at most.</summary>
    public int ServiceResponseCacheSize { get; set; } = 1024;
}
