using Confidant.Services.Kms;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Jwt;

/// <summary>
/// The signing keys of every environment, as of now: configured ones (spec §9.12) as they were read at start, and
/// generated ones from the key file, created on first use and re-read when another process (a <c>jwt rotate</c> run,
/// another instance sharing the file) changed it, at most <see cref="JwtOptions.KeyRefreshSeconds"/> later. A retired
/// key leaves the JWKS at its retirement time exactly, whenever the file was last read.
/// </summary>
public sealed partial class JwtKeyRing : IDisposable
{
    private readonly JwtOptions _options;
    private readonly ConfiguredSigningKeys _configured;
    private readonly GeneratedKeyFile _file;
    private readonly GeneratedSigningKeys _generated;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, JwtEnvironmentKeys>? _snapshot;
    private (DateTime, long)? _stamp;
    private DateTimeOffset _nextCheck;

    internal JwtKeyRing(JwtOptions options, string keyFile, IKeyService keyService, string masterKeyId, TimeProvider time, ILogger<JwtKeyRing> logger)
    {
        _options = options;
        _time = time;
        _configured = ConfiguredSigningKeys.Load(options);
        _file = new GeneratedKeyFile(keyFile);
        _generated = new GeneratedSigningKeys(_file, keyService, masterKeyId, options, time, logger);
        foreach (var skipped in _configured.Skipped)
        {
            LogSkipped(logger, skipped);
        }

        foreach (var (environment, kid) in options.ActiveSigningKeys)
        {
            if (!_configured.Environments.TryGetValue(environment, out var keys) || keys.Active is null)
            {
                LogNoActiveKey(logger, environment, kid);
            }
        }
    }

    /// <summary>Whether <paramref name="environment"/> signs with generated keys (which <c>jwt rotate</c> rotates).</summary>
    public bool IsGenerated(string environment) =>
        !_configured.Environments.ContainsKey(environment) && _options.GeneratedEnvironments.Contains(environment, StringComparer.Ordinal);

    public bool IsConfigured(string environment) => _configured.Environments.ContainsKey(environment);

    /// <summary>Every environment with keys: configured ones first, then generated ones.</summary>
    public IReadOnlyList<string> Environments =>
        [.. _configured.Environments.Keys, .. _options.GeneratedEnvironments.Where(IsGenerated)];

    /// <summary>The keys of <paramref name="environment"/> published now, or null for an environment without keys.</summary>
    public async Task<JwtEnvironmentKeys?> GetAsync(string environment, CancellationToken cancellationToken = default)
    {
        if (_configured.Environments.TryGetValue(environment, out var configured))
        {
            return configured;
        }

        if (!IsGenerated(environment))
        {
            return null;
        }

        var snapshot = await GeneratedAsync(cancellationToken);
        if (!snapshot.TryGetValue(environment, out var keys))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        return keys with { Published = [.. keys.Published.Where(k => k.RetireAt is null || k.RetireAt > now)] };
    }

    /// <summary>Rotates the generated key of <paramref name="environment"/> (see <see cref="GeneratedSigningKeys"/>).</summary>
    public async Task<JwtRotation> RotateAsync(string environment, CancellationToken cancellationToken = default)
    {
        if (!IsGenerated(environment))
        {
            throw new InvalidOperationException($"The environment '{environment}' has no generated JWT key.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _generated.EnsureAsync(cancellationToken);
            var rotation = await _generated.RotateAsync(environment, cancellationToken);
            _snapshot = null;
            return rotation;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<Dictionary<string, JwtEnvironmentKeys>> GeneratedAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } fresh && _time.GetUtcNow() < _nextCheck)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (_snapshot is not { } snapshot || now >= _nextCheck)
            {
                var stamp = _file.Stamp();
                snapshot = _snapshot is { } known && stamp == _stamp ? known : await LoadAsync(cancellationToken);
                _nextCheck = now + TimeSpan.FromSeconds(_options.KeyRefreshSeconds);
            }

            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Dictionary<string, JwtEnvironmentKeys>> LoadAsync(CancellationToken cancellationToken)
    {
        var document = _file.Read();
        if (_options.GeneratedEnvironments.Any(e => IsGenerated(e) && document.KeysOf(e).All(k => k.RetireAt is not null)))
        {
            document = await _generated.EnsureAsync(cancellationToken);
        }

        _stamp = _file.Stamp();
        _snapshot = await _generated.LoadAsync(document, cancellationToken);
        return _snapshot;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Jwt:CertificateAuthorities entry {Entry} skipped")]
    private static partial void LogSkipped(ILogger logger, string entry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Jwt:ActiveSigningKeys names {Kid} for {Environment}, which has no such configured key: its tokens are refused")]
    private static partial void LogNoActiveKey(ILogger logger, string environment, string kid);
}
