using Confidant.Services.Credentials;
using Confidant.Services.Storage;

namespace Confidant.Services.ServiceMappings;

/// <summary>A service mapping with the credentials it maps, as a workload reads it (spec §4.5 "expanded").</summary>
public sealed record ServiceMapping(
    ServiceItem Item,
    IReadOnlyList<Credential> Credentials,
    IReadOnlyList<BlindCredentialItem> BlindCredentials);

/// <summary>A service mapping write (spec §4.5 PUT). Null lists keep the stored ones (empty for a new service).</summary>
public sealed record ServiceMappingInput
{
    public IReadOnlyList<string>? Credentials { get; init; }
    public IReadOnlyList<string>? BlindCredentials { get; init; }
    public bool? Enabled { get; init; }
    public string? Account { get; init; }

    /// <summary>When set, the write fails with a conflict if the mapping has moved past this revision.</summary>
    public int? ExpectedRevision { get; init; }
}

/// <summary>A service that maps a given credential (spec §4.2 GET /v1/credentials/&lt;id&gt;/services).</summary>
public sealed record ServiceReference(string Id, bool Enabled);
