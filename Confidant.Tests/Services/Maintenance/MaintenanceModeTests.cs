using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Maintenance;

/// <summary>
/// Spec §9.7 in the domain: while maintenance mode is on, every write is refused whoever calls (REST or the UI),
/// and reads keep working.
/// </summary>
public sealed class MaintenanceModeTests : IAsyncLifetime
{
    private DomainHost _host = null!;
    private string _touchFile = string.Empty;
    private string _credentialId = string.Empty;
    private string _blindId = string.Empty;

    public async Task InitializeAsync()
    {
        _touchFile = Path.Combine(Path.GetTempPath(), $"confidant-maintenance-{Guid.NewGuid():N}");
        _host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Api:MaintenanceModeTouchFile"] = _touchFile });
        var credential = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "hunter2")));
        _credentialId = credential.Item.Id;
        await Credentials.UpdateAsync(DomainHost.Alice, _credentialId, new CredentialInput { Enabled = false });
        _blindId = (await Blind.CreateAsync(DomainHost.Alice, BlindInput("sealed"))).Id;
        await Blind.UpdateAsync(DomainHost.Alice, _blindId, new BlindCredentialInput { Documentation = "v2" });
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [_blindId] });
        await Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [] });
        await File.WriteAllTextAsync(_touchFile, string.Empty);
    }

    public async Task DisposeAsync()
    {
        File.Delete(_touchFile);
        await _host.DisposeAsync();
    }

    private CredentialService Credentials => _host.Get<CredentialService>();

    private BlindCredentialService Blind => _host.Get<BlindCredentialService>();

    private ServiceMappingService Mappings => _host.Get<ServiceMappingService>();

    public static TheoryData<string> Writes => new()
    {
        "create credential", "update credential", "revert credential", "archive credential",
        "create blind credential", "update blind credential", "revert blind credential",
        "create service", "update service", "revert service", "ensure grants", "restore credential",
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Write_MaintenanceModeOn_RefusedAndNothingWritten(string write)
    {
        var before = await SnapshotAsync();

        var error = await Assert.ThrowsAsync<ConfidantException>(() => RunAsync(write));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.Equal(ErrorMessages.MaintenanceMode, error.Message);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Reads_MaintenanceModeOn_StillServed()
    {
        var reader = _host.Get<CredentialReader>();

        var credential = await reader.GetAsync(DomainHost.Alice, _credentialId);
        var service = await Mappings.GetAsync(DomainHost.Alice, "billing");

        Assert.Equal("hunter2", TestData.Value(credential.Pairs, "password"));
        Assert.Equal(2, service.Item.Revision);
    }

    [Fact]
    public async Task Write_TouchFileRemoved_AcceptedAgain()
    {
        File.Delete(_touchFile);

        var created = await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("after", ("k", "v")));

        Assert.Equal(1, created.Item.Revision);
    }

    private Task RunAsync(string write) => write switch
    {
        "create credential" => Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("new", ("k", "v"))),
        "update credential" => Credentials.UpdateAsync(DomainHost.Alice, _credentialId, new CredentialInput { Documentation = "changed" }),
        "revert credential" => Credentials.RevertAsync(DomainHost.Alice, _credentialId, 1),
        "archive credential" => Credentials.ArchiveAsync(DomainHost.Alice, _credentialId, force: true),
        "create blind credential" => Blind.CreateAsync(DomainHost.Alice, BlindInput("other")),
        "update blind credential" => Blind.UpdateAsync(DomainHost.Alice, _blindId, new BlindCredentialInput { Documentation = "changed" }),
        "revert blind credential" => Blind.RevertAsync(DomainHost.Alice, _blindId, 1),
        "create service" => Mappings.PutAsync(DomainHost.Alice, "web", new ServiceMappingInput()),
        "update service" => Mappings.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Enabled = false }),
        "revert service" => Mappings.RevertAsync(DomainHost.Alice, "billing", 1),
        "ensure grants" => _host.Get<KmsGrantService>().EnsureAsync(DomainHost.Alice, "billing"),
        "restore credential" => Credentials.RestoreAsync(DomainHost.Alice, _credentialId),
        _ => throw new ArgumentOutOfRangeException(nameof(write)),
    };

    /// <summary>Every current item of the primary table with its revision, and the archive's size.</summary>
    private async Task<string> SnapshotAsync()
    {
        var store = _host.Get<IConfidantStore>();
        var lines = new List<string>();
        foreach (var type in new[] { DataType.Credential, DataType.BlindCredential, DataType.Service })
        {
            lines.AddRange((await store.QueryAsync(type, PageRequest.All)).Items.Select(i => $"{i.Id}@{i.Revision}"));
        }

        lines.Add($"archived {(await store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items.Count}");
        return string.Join(",", lines.Order(StringComparer.Ordinal));
    }

    private static BlindCredentialInput BlindInput(string name) => new()
    {
        Name = name,
        CredentialPairs = TestData.Json("""{"us-east-1": "c2VhbGVk"}"""),
        DataKey = TestData.Json("""{"us-east-1": "a2V5"}"""),
        CipherType = "fernet",
        CipherVersion = 2,
        CredentialKeys = ["password"],
    };
}
