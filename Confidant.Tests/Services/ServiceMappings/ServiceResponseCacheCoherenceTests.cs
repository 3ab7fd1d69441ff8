using System.Text;
using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.ServiceMappings;

/// <summary>
/// What drops the answers a workload's poll is served from: a change of what they show does; the re-encryption job,
/// which rewrites every stored data key and saves its own state as it goes but changes no value, does not (a cache
/// emptied after every batch would leave the whole fleet uncached for as long as the job runs).
/// </summary>
public sealed class ServiceResponseCacheCoherenceTests : IAsyncLifetime
{
    private static readonly ConfidantPrincipal Workload = ConfidantPrincipal.ForService("svc");

    private DomainHost _host = null!;
    private int _renders;

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Rekey:KmsCallsPerSecond"] = "10000" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ReadAsync_ReWrapJobRunsThrough_CachedAnswerKeptUntilAValueChanges()
    {
        var credentials = _host.Get<CredentialService>();
        var db = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "p1")));
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "svc", new ServiceMappingInput { Credentials = [db.Item.Id] });
        var first = await ReadAsync();

        _host.Get<ILocalKeyRing>().Rotate(new KmsOptions().MasterKeyId);
        await _host.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest(RekeyMode.Rekey));
        var run = await _host.Get<RekeyRunner>().RunAsync(DomainHost.Alice, "worker", null, CancellationToken.None);
        var afterJob = await ReadAsync();

        await credentials.UpdateAsync(DomainHost.Alice, db.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "p2")) });
        var afterUpdate = await ReadAsync();

        Assert.True(run.Job!.Succeeded, run.Job.Error);
        Assert.True(run.Job.Rewritten >= 2, $"the job rewrote {run.Job.Rewritten} items");
        Assert.Equal("p1", afterJob);
        Assert.Equal(first, afterJob);
        Assert.Equal("p2", afterUpdate);
        Assert.Equal(2, _renders);
    }

    // The answer as the endpoint renders it (here just the value); a render is a miss of the cache.
    private async Task<string> ReadAsync()
    {
        var body = await _host.Get<ServiceMappingService>().ReadAsync(Workload, "svc", metadataOnly: false, mapping =>
        {
            _renders++;
            return Encoding.UTF8.GetBytes(TestData.Value(Assert.Single(mapping.Credentials).Pairs, "password"));
        });
        return Encoding.UTF8.GetString(body.Span);
    }
}
