using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Amazon.KeyManagementService;
using Confidant.Services.KmsAuth;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Confidant.Tests.Web.Faults;

/// <summary>
/// The app while its key service fails for real: a moto server of this test's own is frozen with SIGSTOP, thawed and
/// finally killed while services poll with warm tokens, services arrive with fresh tokens (each needs a KMS Decrypt to
/// validate) and people write. Every answer is 200 or a JSON 503 with Retry-After within the call timeout: a KMS
/// outage during token validation is 503, not 401, 403 or 500; acknowledged writes survive.
/// </summary>
public sealed class KeyServiceFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MotoServerFixture _moto = new();
    private ApiTestHost _host = null!;
    private StoreFaultScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        await _moto.InitializeAsync();
        foreach (var alias in new[] { ApiTestHost.AuthKey, ApiTestHost.UserAuthKey, ApiTestHost.ScopedKey, ApiTestHost.AtRestKey })
        {
            await _moto.CreateKeyWithAliasAsync(alias);
        }

        _host = ApiTestHost.Create(
            StoreFaultScenario.Settings(new Dictionary<string, string?>
            {
                ["Kms:Provider"] = "Aws",
                ["Kms:MasterKeyId"] = ApiTestHost.AtRestKey,
                ["Iam:Provider"] = "Configured",
            }),
            configureServices: services => services.AddSingleton<IAmazonKeyManagementService>(_ => _moto.CreateKmsClient()));
        _scenario = await StoreFaultScenario.SeedAsync(_host);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _moto.DisposeAsync();
    }

    [Fact]
    public async Task Requests_KeyServiceFrozenThawedThenKilled_200Or503JsonAndNothingAcknowledgedLost()
    {
        var fresh = new ConcurrentQueue<KmsAuthToken>();
        for (var i = 0; i < 80; i++)
        {
            fresh.Enqueue(await StoreFaultScenario.Patiently(() => _host.TokenAsync("billing")));
        }

        using var newcomer = _host.AnonymousClient();
        await using var load = await _scenario.StartLoadAsync(pollers: 2, writers: 2, ("fresh token", async _ =>
        {
            // Paced, so that the pool of never-validated tokens lasts the whole test.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            Assert.True(fresh.TryDequeue(out var token), "the fresh tokens ran out");
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/services/billing", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{token.Username}:{token.Token}")));
            return (await newcomer.SendAsync(request), null);
        }
        ));

        await Task.Delay(TimeSpan.FromSeconds(1));
        _moto.Freeze();
        var frozen = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        _moto.Resume();
        var thawed = load.Now;
        await load.WaitForAsync("fresh token", HttpStatusCode.OK, thawed, StoreFaultScenario.RecoveryLimit);
        await load.WaitForAsync("write", HttpStatusCode.OK, thawed, StoreFaultScenario.RecoveryLimit);
        await _scenario.AssertAcknowledgedWritesKeptAsync(load.Answers);
        _moto.Stop();
        var killed = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await load.StopAsync();

        var answers = load.Answers;
        output.WriteLine(load.Report());
        LoadAnswer.AssertAll200Or503Json(answers, StoreFaultScenario.AnswerLimit);
        Assert.Contains(answers, a => a.Kind == "fresh token" && a.Status == HttpStatusCode.ServiceUnavailable && a.Started > frozen && a.Started < thawed);
        Assert.Contains(answers, a => a.Kind == "write" && a.Status == HttpStatusCode.ServiceUnavailable && a.Started > frozen && a.Started < thawed);
        Assert.Contains(answers, a => a.Kind == "write" && a.Status == HttpStatusCode.ServiceUnavailable && a.Started > killed);
    }
}
