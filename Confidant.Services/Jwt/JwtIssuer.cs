using System.Globalization;
using System.Text;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Caching;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Confidant.Services.Jwt;

/// <summary>What a caller asks <see cref="JwtIssuer.IssueAsync"/> for.</summary>
/// <param name="Environment">The <c>environment</c> query value.</param>
/// <param name="Subject">The <c>id</c> path segment; the caller's own name when null.</param>
/// <param name="IsService">The <c>is_service</c> claim: true for every kmsauth caller (spec §13.24).</param>
/// <param name="LifetimeSeconds">A shorter lifetime than the configured one (the client's <c>--expiry</c>).</param>
public sealed record JwtRequest(string? Environment, string? Subject, bool IsService, int? LifetimeSeconds = null);

/// <summary>
/// Issues RS256 JWTs (spec §4.8, §9.12) and lists the public keys of an environment. The ACL (resource <c>jwt</c>) is
/// checked here, and every token handed out — freshly signed or from the cache — is recorded in the audit trail before
/// it is returned; if the record cannot be stored, no token is returned.
/// </summary>
public sealed partial class JwtIssuer(
    JwtKeyRing keys,
    IAclPolicy acl,
    AuditRecorder audit,
    IOptions<JwtOptions> options,
    TimeProvider time,
    ILogger<JwtIssuer> logger)
{
    public const int MaxSubjectLength = 256;
    public const string MalformedSubject = "id must be 1 to 256 characters, without control characters";
    public const string MalformedExpiry = "expiry must be a whole number of seconds, at least 1";
    public const string AuditUnavailable = "The audit trail is unavailable; no token was issued.";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly BoundedLruCache<CacheKey, string>? _cache = options.Value.Cache.Enabled
        ? new BoundedLruCache<CacheKey, string>(options.Value.Cache.MaxSize, TimeSpan.FromSeconds(options.Value.Cache.TtlSeconds), time)
        : null;

    public async Task<string> IssueAsync(ConfidantPrincipal caller, JwtRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(request.Environment))
        {
            throw ConfidantException.BadRequest(ErrorMessages.SpecifyEnvironment);
        }

        var subject = request.Subject ?? caller.Name;
        if (request.Subject is not null && (subject.Length is 0 or > MaxSubjectLength || subject.Any(char.IsControl)))
        {
            throw ConfidantException.BadRequest(MalformedSubject);
        }

        // spec §3.2: resource_id is the caller, the subject and environment are the kwargs.
        var arguments = new AclArguments { Id = subject, Environment = request.Environment };
        if (!acl.IsAllowed(caller, AclResources.Jwt, AclActions.Get, caller.Name, arguments))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.JwtIssue, AclResources.Jwt, $"{request.Environment}/{subject}"),
                ConfidantException.Forbidden(ErrorMessages.NoAccessToJwt(caller.Name, subject)));
        }

        var lifetime = options.Value.TokenLifetimeSeconds;
        if (request.LifetimeSeconds is { } asked)
        {
            lifetime = asked >= 1 ? Math.Min(asked, lifetime) : throw ConfidantException.BadRequest(MalformedExpiry);
        }

        var environmentKeys = await keys.GetAsync(request.Environment, cancellationToken);
        if (environmentKeys?.Active is not { Signer: not null } active)
        {
            throw ConfidantException.BadRequest(ErrorMessages.JwtKeyNotAvailable);
        }

        var token = Sign(caller, subject, request.IsService, request.Environment, active, lifetime);
        await RecordAsync(caller, request.Environment, subject, cancellationToken);
        LogIssued(logger, subject, request.Environment, caller.Name, active.Kid);
        return token;
    }

    /// <summary>The keys the JWKS of <paramref name="environment"/> publishes; not found when it has none.</summary>
    public async Task<IReadOnlyList<JwtSigningKey>> GetPublicKeysAsync(string environment, CancellationToken cancellationToken = default)
    {
        var environmentKeys = await keys.GetAsync(environment, cancellationToken);
        return environmentKeys is { Published.Count: > 0 }
            ? environmentKeys.Published
            : throw ConfidantException.NotFound(ErrorMessages.JwtPublicKeyNotFound);
    }

    private string Sign(ConfidantPrincipal caller, string subject, bool isService, string environment, JwtSigningKey active, int lifetime)
    {
        // A shorter token than configured is never served from, nor put in, the cache of full-length ones.
        var cacheable = _cache is not null && lifetime == options.Value.TokenLifetimeSeconds;
        var key = new CacheKey(environment, active.Kid, caller.Name, subject, isService);
        if (cacheable && _cache!.TryGet(key, out var cached))
        {
            return cached;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var token = Handler.CreateToken(Payload(isService, caller.Name, subject, now, now + lifetime), new SigningCredentials(active.Signer, SecurityAlgorithms.RsaSha256));
        if (cacheable)
        {
            _cache!.Set(key, token);
        }

        return token;
    }

    /// <summary>
    /// The claims in the original's order and bytes (PyJWT 2.8: compact separators, ASCII escapes); the handler
    /// writes the header <c>{"alg":"RS256","kid":…,"typ":"JWT"}</c> as PyJWT does.
    /// </summary>
    private static string Payload(bool isService, string requester, string subject, long now, long expires)
    {
        var json = new StringBuilder("{\"is_service\":").Append(isService ? "true" : "false").Append(",\"requester\":");
        PythonJson.WriteString(json, requester);
        json.Append(",\"user\":");
        PythonJson.WriteString(json, subject);
        return json.Append(CultureInfo.InvariantCulture, $",\"iat\":{now},\"nbf\":{now},\"exp\":{expires}}}").ToString();
    }

    private async Task RecordAsync(ConfidantPrincipal caller, string environment, string subject, CancellationToken cancellationToken)
    {
        try
        {
            await audit.DeliveredAsync(AuditEntry.For(caller, AuditActions.JwtIssue, AclResources.Jwt, $"{environment}/{subject}"), cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException)
        {
            LogNotRecorded(logger, subject, environment, error.GetType().Name);
            throw new ConfidantException(ConfidantErrorKind.Unavailable, AuditUnavailable);
        }
    }

    /// <summary>
    /// The original's cache key is <c>&lt;kid&gt;:&lt;requester&gt;:&lt;user&gt;</c>; a record also keeps apart names
    /// that contain the separator, environments sharing a kid, and the two values of <c>is_service</c>.
    /// </summary>
    private readonly record struct CacheKey(string Environment, string Kid, string Requester, string Subject, bool IsService);

    [LoggerMessage(Level = LogLevel.Debug, Message = "JWT for {Subject} in {Environment} issued to {Requester} (kid {Kid})")]
    private static partial void LogIssued(ILogger logger, string subject, string environment, string requester, string kid);

    [LoggerMessage(Level = LogLevel.Error, Message = "JWT for {Subject} in {Environment} not issued: the audit record failed ({Error})")]
    private static partial void LogNotRecorded(ILogger logger, string subject, string environment, string error);
}
