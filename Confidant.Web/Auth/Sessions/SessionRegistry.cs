using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth.Sessions;

/// <summary>
/// What this instance knows about live sessions: which were signed out (so their cookies and open circuits end), and
/// for provider sign-ins the latest admitted identity, refresh token and time of the last check, shared by the
/// session's requests and circuits so that one refresh serves both. Entries are forgotten when the session's absolute
/// lifetime is over.
/// </summary>
internal sealed class SessionRegistry(TimeProvider time, IOptionsMonitor<AuthOptions> options)
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, DateTimeOffset ForgetAt)> _ended = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProviderSession> _sessions = new(StringComparer.Ordinal);
    private long _nextPruneTicks;

    /// <summary>When the session was signed out or refused, or null while it stands.</summary>
    public DateTimeOffset? EndedAt(string sessionId) => _ended.TryGetValue(sessionId, out var ended) ? ended.At : null;

    public void End(string sessionId, DateTimeOffset started)
    {
        _ended.TryAdd(sessionId, (time.GetUtcNow(), started + options.CurrentValue.Session.MaxLifetime));
        _sessions.TryRemove(sessionId, out _);
        PruneNow();
    }

    public ProviderSession? Find(string sessionId) => _sessions.GetValueOrDefault(sessionId);

    public ProviderSession GetOrAdd(string sessionId, Func<ProviderSession> create)
    {
        PruneNow();
        return _sessions.GetOrAdd(sessionId, _ => create());
    }

    private void PruneNow()
    {
        var now = time.GetUtcNow();
        var next = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextPruneTicks, (now + PruneInterval).UtcTicks, next) != next)
        {
            return;
        }

        foreach (var (id, ended) in _ended)
        {
            if (ended.ForgetAt <= now)
            {
                _ended.TryRemove(id, out _);
            }
        }

        var maxLifetime = options.CurrentValue.Session.MaxLifetime;
        foreach (var (id, session) in _sessions)
        {
            if (session.Started + maxLifetime <= now)
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }
}

/// <summary>One provider sign-in as last confirmed. Changed only under <see cref="Gate"/>; read without it.</summary>
internal sealed class ProviderSession(DateTimeOffset started, ClaimsIdentity identity, string? refreshToken, DateTimeOffset checkedAt)
{
    private long _checkedAtTicks = checkedAt.UtcTicks;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public DateTimeOffset Started { get; } = started;

    public ClaimsIdentity Identity { get; set; } = identity;

    public string? RefreshToken { get; set; } = refreshToken;

    // A DateTimeOffset is two words: kept as ticks so that a read beside a write is never torn.
    public DateTimeOffset CheckedAt
    {
        get => new(Interlocked.Read(ref _checkedAtTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _checkedAtTicks, value.UtcTicks);
    }
}
