using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Credentials;

public sealed class CredentialServiceTests : IAsyncLifetime
{
    private DomainHost _host = null!;

    private CredentialService Service => _host.Get<CredentialService>();

    private CredentialReader Reader => _host.Get<CredentialReader>();

    private IConfidantStore Store => _host.Get<IConfidantStore>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateAsync_ValidInput_WritesRevisionOneEncryptedAtRest()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("stripe", ("API_KEY", "sk_live_123"), ("user", "ops")));

        Assert.Matches("^[0-9a-f]{32}$", created.Item.Id);
        Assert.Equal(1, created.Item.Revision);
        Assert.Equal(["api_key", "user"], created.Keys);
        Assert.Equal("sk_live_123", TestData.Value(created.Pairs, "api_key"));
        Assert.Equal(_host.Time.GetUtcNow(), created.Item.LastRotationDate);
        var stored = Assert.IsType<CredentialItem>(await Store.GetAsync(created.Item.Id));
        var revision = Assert.IsType<CredentialItem>(await Store.GetAsync(RevisionId.Of(created.Item.Id, 1)));
        Assert.Equal(DataType.ArchiveCredential, revision.DataType);
        Assert.DoesNotContain("sk_live_123", stored.CredentialPairs, StringComparison.Ordinal);
        Assert.StartsWith("gAAAAA", stored.CredentialPairs, StringComparison.Ordinal);
        Assert.Equal("alice@example.com", stored.ModifiedBy);
    }

    public static TheoryData<string, CredentialInput, string> BadInput => new()
    {
        { "empty name", TestData.Credential(" ", ("k", "v")), "name is a required field" },
        { "no pairs", TestData.Credential("n") with { Pairs = [] }, "credential_pairs is a required field" },
        { "duplicate keys", TestData.Credential("n", ("Key", "a"), ("key", "b")), "credential key 'key' appears more than once (keys are case-insensitive)" },
        { "whitespace key", TestData.Credential("n", ("my key", "v")), "credential key must not contain whitespace" },
        { "empty key", TestData.Credential("n", ("", "v")), "credential key must not be empty" },
        { "oversize value", TestData.Credential("n", ("k", new string('x', 70_000))), "the value of credential key 'k' is larger than 64 KiB" },
        { "object value", TestData.Credential("n") with { Pairs = [new("k", TestData.Json("{\"a\":1}"))] }, "credential pairs must be key: value" },
        { "metadata list", TestData.Credential("n", ("k", "v")) with { Metadata = TestData.Json("[1]") }, "metadata must be a dict" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task CreateAsync_BadInput_FailsClearlyAndWritesNothing(string _, CredentialInput input, string message)
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Service.CreateAsync(DomainHost.Alice, input));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal(message, error.Message);
        Assert.Empty((await Store.QueryAsync(DataType.Credential, PageRequest.All)).Items);
        Assert.Empty((await Store.QueryAsync(DataType.ArchiveCredential, PageRequest.All)).Items);
    }

    [Fact]
    public async Task CreateAsync_NameTaken_ConflictNamesTheHolder()
    {
        var first = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "b"))));

        Assert.Equal(ConfidantErrorKind.Conflict, error.Kind);
        Assert.Equal($"Name already exists. See id: {first.Item.Id}", error.Message);
        Assert.Single((await Store.QueryAsync(DataType.Credential, PageRequest.All)).Items);
    }

    [Fact]
    public async Task UpdateAsync_WithoutPairs_KeepsPairsAndRotationDate()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));
        _host.Time.Advance(TimeSpan.FromHours(1));

        var updated = await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Documentation = "new docs" });

        Assert.Equal(2, updated.Item.Revision);
        Assert.Null(updated.Pairs);
        Assert.Equal(["password"], updated.Keys);
        Assert.Equal("a", TestData.Value((await Reader.GetAsync(DomainHost.Alice, created.Item.Id)).Pairs, "password"));
        Assert.Equal(created.Item.LastRotationDate, updated.Item.LastRotationDate);
        Assert.Equal("new docs", updated.Item.Documentation);
        Assert.Equal("db", updated.Item.Name);
    }

    [Fact]
    public async Task UpdateAsync_NewPairs_RotatesAndReencryptsWithNewDataKey()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));
        _host.Time.Advance(TimeSpan.FromHours(1));

        var updated = await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "b")) });

        Assert.Equal(_host.Time.GetUtcNow(), updated.Item.LastRotationDate);
        Assert.NotEqual(created.Item.DataKey, updated.Item.DataKey);
        var got = await Reader.GetAsync(DomainHost.Alice, created.Item.Id);
        Assert.Equal("b", TestData.Value(got.Pairs, "password"));
        var first = Assert.IsType<CredentialItem>(await Store.GetAsync(RevisionId.Of(created.Item.Id, 1)));
        Assert.Equal(created.Item.CredentialPairs, first.CredentialPairs);
    }

    [Fact]
    public async Task UpdateAsync_BadInput_LeavesPreviousRevisionIntact()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));
        await Service.CreateAsync(DomainHost.Alice, TestData.Credential("other", ("token", "t")));

        await Assert.ThrowsAsync<ConfidantException>(() => Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Pairs = [] }));
        await Assert.ThrowsAsync<ConfidantException>(() => Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Name = "other" }));
        await Assert.ThrowsAsync<ConfidantException>(() => Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("a b", "x")) }));

        var current = Assert.IsType<CredentialItem>(await Store.GetAsync(created.Item.Id));
        Assert.Equal(created.Item, current with { Tags = created.Item.Tags });
        Assert.Null(await Store.GetAsync(RevisionId.Of(created.Item.Id, 2)));
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_NotFound()
    {
        var error = await Assert.ThrowsAsync<ConfidantException>(() => Service.UpdateAsync(DomainHost.Alice, "0123456789abcdef0123456789abcdef", new CredentialInput { Name = "x" }));

        Assert.Equal(ConfidantErrorKind.NotFound, error.Kind);
        Assert.Equal("Credential not found.", error.Message);
    }

    [Fact]
    public async Task UpdateAsync_StaleExpectedRevision_ConflictAndNothingWritten()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));
        await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Documentation = "by bob", ExpectedRevision = 1 });

        await Assert.ThrowsAsync<RevisionConflictException>(() =>
            Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Documentation = "by carol", ExpectedRevision = 1 }));

        var current = await Reader.GetAsync(DomainHost.Alice, created.Item.Id);
        Assert.Equal(2, current.Item.Revision);
        Assert.Equal("by bob", current.Item.Documentation);
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentWritersWithoutExpectedRevision_AllLandContiguously()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
            Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Documentation = $"writer {i}" }))));

        var revisions = await Reader.ListRevisionsAsync(DomainHost.Alice, created.Item.Id);
        Assert.Equal([1, 2, 3, 4, 5], revisions.Select(r => r.Item.Revision));
        Assert.Equal(
            Enumerable.Range(0, 4).Select(i => $"writer {i}").Order(StringComparer.Ordinal),
            revisions.Skip(1).Select(r => r.Item.Documentation!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RevertAsync_ToOldRevision_WritesNewRevisionWithOldContent()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "old")));
        await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "new")) });

        var reverted = await Service.RevertAsync(DomainHost.Alice, created.Item.Id, 1);

        Assert.Equal(3, reverted.Item.Revision);
        Assert.Null(reverted.Pairs);
        Assert.Equal(created.Item.DataKey, reverted.Item.DataKey);
        Assert.Equal(created.Item.LastRotationDate, reverted.Item.LastRotationDate);
        Assert.Equal("old", TestData.Value((await Reader.GetAsync(DomainHost.Alice, created.Item.Id)).Pairs, "password"));
        Assert.Equal(3, (await Reader.ListRevisionsAsync(DomainHost.Alice, created.Item.Id)).Count);
    }

    [Fact]
    public async Task RevertAsync_ToIdenticalContent_IsRejected()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "same")));
        await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "same")) });

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Service.RevertAsync(DomainHost.Alice, created.Item.Id, 1));

        Assert.Equal("No difference between old and new credential.", error.Message);
        Assert.Null(await Store.GetAsync(RevisionId.Of(created.Item.Id, 3)));
    }

    [Fact]
    public async Task RevertAsync_UnknownRevision_NotFound()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));

        var error = await Assert.ThrowsAsync<ConfidantException>(() => Service.RevertAsync(DomainHost.Alice, created.Item.Id, 7));

        Assert.Equal(ConfidantErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task DiffAsync_ChangedPairs_ListsKeysNeverValues()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "hunter2"), ("user", "admin")));
        _host.Time.Advance(TimeSpan.FromMinutes(5));
        await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput
        {
            Name = "database",
            Pairs = TestData.Pairs(("password", "correct-horse"), ("user", "admin"), ("host", "db1")),
        });

        var diff = await Reader.DiffAsync(DomainHost.Alice, created.Item.Id, 2, 1);
        var text = diff.ToJsonString();

        Assert.Equal("database", diff["name"]!["added"]!.GetValue<string>());
        Assert.Equal("db", diff["name"]!["removed"]!.GetValue<string>());
        Assert.Equal(["host", "password"], diff["credential_pairs"]!["added"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["password"], diff["credential_pairs"]!["removed"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("Sun, 01 Mar 2026 12:05:00 GMT", diff["modified_date"]!["added"]!.GetValue<string>());
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("correct-horse", text, StringComparison.Ordinal);
        Assert.Empty(await Reader.DiffAsync(DomainHost.Alice, created.Item.Id, 1, 1));
    }

    [Fact]
    public async Task ListAsync_Paged_NewestFirstThenSortedByName()
    {
        foreach (var name in new[] { "b", "A", "c" })
        {
            await Service.CreateAsync(DomainHost.Alice, TestData.Credential(name, ("k", "v")));
            _host.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var all = await Reader.ListAsync(DomainHost.Alice);
        var first = await Reader.ListAsync(DomainHost.Alice, limit: 2);
        var second = await Reader.ListAsync(DomainHost.Alice, limit: 2, page: first.NextPage);

        Assert.Equal(["A", "b", "c"], all.Items.Select(c => c.Item.Name));
        Assert.Null(all.NextPage);
        Assert.Equal(["A", "c"], first.Items.Select(c => c.Item.Name));
        Assert.NotNull(first.NextPage);
        Assert.Equal(["b"], second.Items.Select(c => c.Item.Name));
        Assert.All(all.Items, c => Assert.Null(c.Pairs));
    }

    [Fact]
    public async Task GetAsync_MetadataOnly_ListsKeysWithoutValues()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));

        var metadata = await Reader.GetAsync(DomainHost.Alice, created.Item.Id, metadataOnly: true);

        Assert.Equal(["password"], metadata.Keys);
        Assert.Null(metadata.Pairs);
    }

    [Fact]
    public async Task ArchiveAsync_EnabledThenDisabled_RefusesThenMovesToArchive()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "a")));

        var enabled = await Assert.ThrowsAsync<ConfidantException>(() => Service.ArchiveAsync(DomainHost.Alice, created.Item.Id, force: true));
        await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Enabled = false });
        var dryRun = await Service.ArchiveAsync(DomainHost.Alice, created.Item.Id, force: false);
        var stillThere = await Store.GetAsync(created.Item.Id);
        var moved = await Service.ArchiveAsync(DomainHost.Alice, created.Item.Id, force: true);

        Assert.Equal("Credential still enabled", enabled.Message);
        Assert.False(dryRun);
        Assert.NotNull(stillThere);
        Assert.True(moved);
        Assert.Null(await Store.GetAsync(created.Item.Id));
        Assert.Null(await Store.GetAsync(RevisionId.Of(created.Item.Id, 1)));
        var archived = await Store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All);
        Assert.Equal(2, archived.Items.Count);
    }

    [Fact]
    public async Task NextRotationDate_FollowsTagsAndSettings()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Credentials:MaximumRotationDays"] = "90",
            ["Credentials:RotationDaysConfig:PCI"] = "30",
            ["Credentials:TagsExcludingRotation:0"] = "NO_ROTATION",
        });
        var service = host.Get<CredentialService>();

        var plain = await service.CreateAsync(DomainHost.Alice, TestData.Credential("a", ("k", "v")) with { Tags = [] });
        var pci = await service.CreateAsync(DomainHost.Alice, TestData.Credential("b", ("k", "v")) with { Tags = ["PCI"] });
        var excluded = await service.CreateAsync(DomainHost.Alice, TestData.Credential("c", ("k", "v")) with { Tags = ["NO_ROTATION"] });

        Assert.Equal(host.Time.GetUtcNow().AddDays(90), plain.NextRotationDate);
        Assert.Equal(host.Time.GetUtcNow().AddDays(30), pci.NextRotationDate);
        Assert.Null(excluded.NextRotationDate);
    }

    [Fact]
    public async Task CreateAsync_DocumentationEnforced_RequiresDocumentation()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Credentials:EnforceDocumentation"] = "true" });

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            host.Get<CredentialService>().CreateAsync(DomainHost.Alice, TestData.Credential("a", ("k", "v")) with { Documentation = null }));

        Assert.Equal("documentation is a required field", error.Message);
    }

    [Fact]
    public void ValueGenerator_FromRandomBytes_MatchesSpecVector()
    {
        // spec Appendix A: bytes 0x00..0x7F → this value.
        var bytes = Enumerable.Range(0, 128).Select(i => (byte)i).ToArray();

        Assert.Equal("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJC", ValueGenerator.FromRandomBytes(bytes));
    }

    [Fact]
    public void ValueGenerator_Generate_FiftyAlphanumericsEachTimeNew()
    {
        var values = Enumerable.Range(0, 3).Select(_ => ValueGenerator.Generate()).ToList();

        Assert.All(values, v => Assert.Matches("^[A-Za-z0-9]{50}$", v));
        Assert.Equal(3, values.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task GetAsync_Json_DoesNotLeakValuesThroughItem()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "s3cr3t-value")));

        var item = JsonSerializer.Serialize(created.Item);

        Assert.DoesNotContain("s3cr3t-value", item, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreAsync_ArchivedCredential_BackWithItsRevisionsAndValuesAndRecorded()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "hunter2")));
        await Service.UpdateAsync(DomainHost.Alice, created.Item.Id, new CredentialInput { Enabled = false });
        await Service.ArchiveAsync(DomainHost.Alice, created.Item.Id, force: true);

        var restored = await Service.RestoreAsync(DomainHost.Alice, created.Item.Id);

        Assert.Equal(2, restored.Item.Revision);
        Assert.Null(restored.Pairs);
        Assert.Equal("hunter2", TestData.Value((await Reader.GetAsync(DomainHost.Alice, created.Item.Id)).Pairs, "password"));
        Assert.Equal(2, (await Reader.ListRevisionsAsync(DomainHost.Alice, created.Item.Id)).Count);
        Assert.Empty(await _host.Get<Confidant.Services.Catalogue.ResourceCatalogue>().ArchivedCredentialsAsync(DomainHost.Alice));
        var audit = await _host.Get<AuditLog>().QueryAsync(new AuditQuery(ResourceId: created.Item.Id));
        Assert.Contains(audit.Records, r => r.Entry.Action == AuditActions.Restore && r.Entry.Revision == 2);
    }

    [Fact]
    public async Task RestoreAsync_NotArchivedOrNotAdmin_Refused()
    {
        var created = await Service.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "hunter2")));
        var editor = ConfidantPrincipal.ForUser(
            "ed@example.com", roles: new HashSet<string> { ConfidantRoles.Editor });

        var missing = await Assert.ThrowsAsync<ConfidantException>(() => Service.RestoreAsync(DomainHost.Alice, created.Item.Id));
        var forbidden = await Assert.ThrowsAsync<ConfidantException>(() => Service.RestoreAsync(editor, created.Item.Id));

        Assert.Equal(ConfidantErrorKind.NotFound, missing.Kind);
        Assert.Equal(ConfidantErrorKind.Forbidden, forbidden.Kind);
    }
}
