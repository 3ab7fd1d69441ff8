using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Exposure;

/// <summary>Marking exposed: what a mark holds, who may make it, bad input refused with nothing stored, and the audit.</summary>
public sealed class ExposureServiceTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private CredentialService Credentials => _host.Get<CredentialService>();

    private ExposureService Exposure => _host.Get<ExposureService>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task MarkAsync_CredentialEveryRevision_HoldsEachExposedPairOnceAndIsAudited()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("user", "admin"), ("password", "one")))).Item.Id;
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("user", "admin"), ("password", "two")) });
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        var status = Assert.Single(await MarkAsync(AclResources.Credential, id));
        var mark = status.Mark;

        Assert.Equal(["password", "user"], status.Pending);
        Assert.StartsWith(ExposureMark.IdPrefix, mark.Id, StringComparison.Ordinal);
        Assert.Equal((1, 2), (mark.FromRevision, mark.ToRevision));
        Assert.Equal(("leaked in a log", "INC-7", "alice@example.com"), (mark.Reason, mark.Incident, mark.MarkedBy));
        Assert.Equal(_host.Time.GetUtcNow(), mark.MarkedAt);
        Assert.True(mark.IsActive);
        Assert.Equal(["password", "password", "user"], mark.Pairs.Select(p => p.Key));
        var current = Assert.IsType<CredentialItem>(await _host.Get<IConfidantStore>().GetAsync(id));
        Assert.Contains(new ExposedPair("password", current.Fingerprints!.Of("password")!), mark.Pairs);
        Assert.Contains(new ExposedPair("user", current.Fingerprints.Of("user")!), mark.Pairs);
        Assert.Equal(2, mark.Pairs.Where(p => p.Key == "password").Select(p => p.Fingerprint).Distinct().Count());
        Assert.Equal(current.Fingerprints.KeyId, mark.FingerprintKeyId);
        var record = Assert.Single(await AuditAsync(AuditActions.ExposureMark));
        Assert.Equal((AuditOutcomes.Succeeded, id, 2), (record.Outcome, record.ResourceId, record.Revision));
        Assert.Equal("incident INC-7: revisions 1-2", record.Detail);
    }

    [Fact]
    public async Task MarkAsync_OldRevisionRotatedSince_IsRecordedAndClearedAtOnce()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;
        await Credentials.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", "two")) });

        var status = Assert.Single(await MarkAsync(AclResources.Credential, id, revision: 1));
        var mark = status.Mark;

        Assert.Empty(status.Pending);
        Assert.Equal(["password"], status.Rotated);
        Assert.Equal((1, 1), (mark.FromRevision, mark.ToRevision));
        Assert.False(mark.IsActive);
        Assert.Equal(2, mark.ClearedRevision);
        Assert.Equal("incident INC-7: revision 1; already rotated", Assert.Single(await AuditAsync(AuditActions.ExposureMark)).Detail);
    }

    [Fact]
    public async Task MarkAsync_SameIncidentAndRevisionsAgain_ReturnsTheExistingMark()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;
        var first = Assert.Single(await MarkAsync(AclResources.Credential, id)).Mark;

        var again = Assert.Single(await MarkAsync(AclResources.Credential, id)).Mark;
        var other = Assert.Single(await Exposure.MarkAsync(DomainHost.Alice, AclResources.Credential, id, new ExposureInput("also here", "INC-8"))).Mark;

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal(2, (await _host.Get<ExposureIndex>().ReadAsync()).Count);
    }

    [Fact]
    public async Task MarkAsync_Service_MarksEveryMappedCredentialAndBlindCredentialThroughIt()
    {
        var a = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("k1", "v1")))).Item.Id;
        var b = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("b", ("k2", "v2")))).Item.Id;
        var blind = (await _host.Get<BlindCredentialService>().CreateAsync(DomainHost.Alice, TestData.BlindCredential("sealed"))).Id;
        await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("unmapped", ("k3", "v3")));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "web", new ServiceMappingInput { Credentials = [a, b], BlindCredentials = [blind] });

        var marks = (await MarkAsync(AclResources.Service, "web")).Select(s => s.Mark).ToList();

        Assert.Equal(
            new[] { (AclResources.Credential, a), (AclResources.Credential, b), (AclResources.BlindCredential, blind) }.Order(),
            marks.Select(m => (m.ResourceType, m.ResourceId)).Order());
        Assert.All(marks, m => Assert.Equal("web", m.ServiceId));
        var blindMark = marks.Single(m => m.ResourceType == AclResources.BlindCredential);
        Assert.Null(blindMark.FingerprintKeyId);
        Assert.Equal([ExposureMark.AllValuesKey], blindMark.Pairs.Select(p => p.Key));
        Assert.Equal(3, (await AuditAsync(AuditActions.ExposureMark)).Count);
    }

    public static TheoryData<string, string, string?, string?, int?, string> BadInput => new()
    {
        { "no reason", AclResources.Credential, " ", "INC-1", null, "reason is a required field" },
        { "long reason", AclResources.Credential, new string('r', 1001), "INC-1", null, "reason must be at most 1000 characters" },
        { "control in reason", AclResources.Credential, "a\u0007b", "INC-1", null, "reason must not contain control characters" },
        { "no incident", AclResources.Credential, "r", null, null, "incident is a required field" },
        { "slash in incident", AclResources.Credential, "r", "INC/1", null, "incident must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit" },
        { "revision zero", AclResources.Credential, "r", "INC-1", 0, "revision must be a positive integer" },
        { "revision past the current", AclResources.Credential, "r", "INC-1", 3, "Credential {id} has no revision 3; its current revision is 1." },
        { "revision of a service", AclResources.Service, "r", "INC-1", 1, "revision applies to a credential or blind credential; a service's credentials are marked at every revision" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task MarkAsync_BadInput_BadRequestAndNothingStored(string _, string type, string? reason, string? incident, int? revision, string message)
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "web", new ServiceMappingInput { Credentials = [id] });
        var target = type == AclResources.Service ? "web" : id;

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Exposure.MarkAsync(DomainHost.Alice, type, target, new ExposureInput(reason, incident, revision)));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal(message.Replace("{id}", id, StringComparison.Ordinal), error.Message);
        Assert.Empty(await _host.Get<ExposureIndex>().ReadAsync());
    }

    [Fact]
    public async Task MarkAsync_UnknownResources_NotFound()
    {
        var unknown = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

        var credential = await Assert.ThrowsAsync<ConfidantException>(() => MarkAsync(AclResources.Credential, unknown));
        var blind = await Assert.ThrowsAsync<ConfidantException>(() => MarkAsync(AclResources.BlindCredential, unknown));
        var service = await Assert.ThrowsAsync<ConfidantException>(() => MarkAsync(AclResources.Service, "nobody"));

        Assert.Equal([ConfidantErrorKind.NotFound, ConfidantErrorKind.NotFound, ConfidantErrorKind.NotFound], new[] { credential.Kind, blind.Kind, service.Kind });
        Assert.Equal(["Credential not found.", "Blind credential not found.", "Service not found."], new[] { credential.Message, blind.Message, service.Message });
    }

    [Theory]
    [InlineData(null, ConfidantRoles.Editor, false)]
    [InlineData(null, ConfidantRoles.Admin, true)]
    [InlineData("editor", ConfidantRoles.Editor, true)]
    [InlineData("editor", ConfidantRoles.Reader, false)]
    public async Task MarkAsync_ByRole_OnlyTheConfiguredRoleOrAboveAndDenialsAudited(string? markRole, string role, bool allowed)
    {
        await _host.DisposeAsync();
        _host = await DomainHost.StartAsync(markRole is null ? null : new Dictionary<string, string?> { ["Exposure:MarkRole"] = markRole });
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;
        var person = ConfidantPrincipal.ForUser("pat@example.com", roles: new HashSet<string> { role });

        Assert.Equal(allowed, Exposure.CanMark(person, AclResources.Credential, id));
        Task<IReadOnlyList<MarkStatus>> Attempt() => Exposure.MarkAsync(person, AclResources.Credential, id, new ExposureInput("r", "INC-1"));

        if (allowed)
        {
            Assert.Single(await Attempt());
            return;
        }

        var error = await Assert.ThrowsAsync<ConfidantException>(Attempt);
        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.Equal($"pat@example.com does not have access to mark credential {id} exposed", error.Message);
        Assert.Empty(await _host.Get<ExposureIndex>().ReadAsync());
        Assert.Equal(AuditOutcomes.Denied, Assert.Single(await AuditAsync(AuditActions.ExposureMark)).Outcome);
    }

    [Fact]
    public async Task MarkAsync_Workload_Forbidden()
    {
        var id = (await Credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "one")))).Item.Id;
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "web", new ServiceMappingInput { Credentials = [id] });

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            Exposure.MarkAsync(ConfidantPrincipal.ForService("web"), AclResources.Service, "web", new ExposureInput("r", "INC-1")));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.Empty(await _host.Get<ExposureIndex>().ReadAsync());
    }

    [Fact]
    public void Options_BadValues_RefusedNamingTheKey()
    {
        var result = new ExposureOptionsValidator().Validate(null, new ExposureOptions
        {
            MarkRole = "reader",
            FingerprintKeyId = " ",
            OwnerMetadataKey = "",
            BackfillItemsPerSecond = 0,
        });

        Assert.Equal(
            [
                "Exposure:MarkRole must be admin or editor (was 'reader').",
                "Exposure:FingerprintKeyId must name the HMAC key values are fingerprinted with (alias/..., key id or ARN).",
                "Exposure:OwnerMetadataKey must name the metadata key that holds owners.",
                "Exposure:BackfillItemsPerSecond must be between 1 and 1000 (was 0).",
            ],
            result.Failures);
    }

    private Task<IReadOnlyList<MarkStatus>> MarkAsync(string type, string id, int? revision = null) =>
        Exposure.MarkAsync(DomainHost.Alice, type, id, new ExposureInput("leaked in a log", "INC-7", revision));

    private async Task<List<AuditEntry>> AuditAsync(string action) =>
        (await _host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = action })).Records.Select(r => r.Entry).ToList();
}
