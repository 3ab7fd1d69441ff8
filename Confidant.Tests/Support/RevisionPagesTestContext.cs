using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;

namespace Confidant.Tests.Support;

/// <summary>
/// bUnit context for the history and archive pages: the real domain services (temp SQLite + local key ring) and a
/// signed-in person whose roles each test chooses.
/// </summary>
public abstract class RevisionPagesTestContext : ComponentTestContext, IAsyncLifetime
{
    public const string Email = "alice@example.com";

    private DomainHost _host = null!;

    protected DomainHost Host => _host;

    protected CredentialService Credentials => _host.Get<CredentialService>();

    protected CredentialReader Reader => _host.Get<CredentialReader>();

    protected BlindCredentialService Blind => _host.Get<BlindCredentialService>();

    protected ServiceMappingService Mappings => _host.Get<ServiceMappingService>();

    protected AuditLog Audit => _host.Get<AuditLog>();

    async Task IAsyncLifetime.InitializeAsync()
    {
        _host = await DomainHost.StartAsync();
        AddDomainServices(_host);
        SignIn(ConfidantRoles.Editor);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _host.DisposeAsync();
    }

    /// <summary>The principal the pages see for the signed-in person with these roles.</summary>
    protected static ConfidantPrincipal Person(params string[] roles) =>
        ConfidantPrincipal.ForUser(Email, Email, roles.ToHashSet(StringComparer.Ordinal));


    /// <summary>Moves the clock on so the next write has a later modified date.</summary>
    protected void Later() => _host.Time.Advance(TimeSpan.FromMinutes(1));

    protected static BlindCredentialInput BlindInput(string name, params string[] keys) => new()
    {
        Name = name,
        CredentialPairs = TestData.Json("{\"us-east-1\": \"gAAAAABfake\"}"),
        DataKey = TestData.Json("{\"us-east-1\": \"AQICAHh=\"}"),
        CipherType = "fernet",
        CipherVersion = 2,
        CredentialKeys = keys,
        Metadata = TestData.Json("{}"),
        Documentation = "client-side encrypted",
    };
}
