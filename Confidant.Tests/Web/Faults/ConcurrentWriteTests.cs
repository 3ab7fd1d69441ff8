using System.Net;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Confidant.Tests.Web.Faults;

/// <summary>
/// Many people updating one credential at once on DynamoDB, none naming an expected revision: every update lands
/// (200), each under its own revision, and the revisions run without a gap. Losing a revision race is the store's
/// business, not the caller's: 409 is only for a stale expected revision (spec §13.36).
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class ConcurrentWriteTests(DynaliteFixture dynalite, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 16;
    private const int UpdatesEach = 5;

    private ApiTestHost _host = null!;

    public async Task InitializeAsync()
    {
        var (table, archive) = await dynalite.CreateTablesAsync();
        _host = ApiTestHost.Create(
            new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "DynamoDb",
                ["Storage:DynamoDb:Table"] = table,
                ["Storage:DynamoDb:ArchiveTable"] = archive,
                // Room for a machine shared with other test runs: this test is about who wins, not how fast.
                ["Storage:WriteRetrySeconds"] = "60",
            },
            configureServices: services => services.AddSingleton<IAmazonDynamoDB>(_ => dynalite.CreateClient()));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UpdateCredential_SixteenWritersWithoutExpectedRevision_AllLandWithContiguousRevisions()
    {
        var id = (await _host.CreateCredentialAsync("db", ("password", "initial"))).Item.Id;
        using var person = await _host.UserClientAsync("alice");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var answers = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var mine = new List<(HttpStatusCode Status, string Body, string Sent)>();
            for (var n = 0; n < UpdatesEach; n++)
            {
                var value = $"writer{writer}-{n}";
                var response = await person.PutWireAsync($"/v1/credentials/{id}", $"{{\"credential_pairs\": {{\"password\": \"{value}\"}}}}");
                mine.Add((response.Status, response.Body, value));
            }

            return mine;
        })));

        var all = answers.SelectMany(a => a).ToList();
        output.WriteLine($"{all.Count} updates by {Writers} writers in {started.Elapsed.TotalSeconds:F1} s");
        var refused = all.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {all.Count} updates were refused, e.g. {refused.FirstOrDefault()}");
        var told = all.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("revision").GetInt32()).Order().ToList();
        Assert.Equal(Enumerable.Range(2, Writers * UpdatesEach), told);
        var reader = _host.Get<CredentialReader>();
        var stored = (await reader.ListRevisionsAsync(ApiTestHost.Alice, id)).Select(r => r.Item.Revision).Order();
        Assert.Equal(Enumerable.Range(1, (Writers * UpdatesEach) + 1), stored);
        foreach (var (_, body, sent) in all.Take(20))
        {
            var revision = JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt32();
            Assert.Equal(sent, TestData.Value((await reader.GetRevisionAsync(ApiTestHost.Alice, id, revision, metadataOnly: false)).Pairs, "password"));
        }
    }
}
