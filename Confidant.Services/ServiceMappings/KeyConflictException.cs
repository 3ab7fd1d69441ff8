using Confidant.Services.Errors;

namespace Confidant.Services.ServiceMappings;

/// <summary>Resources that share a key within one service (spec §8.2).</summary>
public sealed record KeyConflict(
    IReadOnlyList<string>? Credentials,
    IReadOnlyList<string>? BlindCredentials,
    IReadOnlyList<string>? Services);

/// <summary>Spec §8.2: two credentials mapped to one service may not share a key. Names keys and ids, never values.</summary>
public sealed class KeyConflictException(IReadOnlyDictionary<string, KeyConflict> conflicts)
    : ConfidantException(ConfidantErrorKind.BadRequest, ErrorMessages.ConflictingKeyPairs)
{
    public IReadOnlyDictionary<string, KeyConflict> Conflicts { get; } = conflicts;
}
