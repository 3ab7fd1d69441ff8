using System.Net;
using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;

namespace Confidant.Tests.Support;

/// <summary>
/// What the fault tests share: a credential mapped to service "billing", services polling it, people writing it, and
/// the checks that every acknowledged write is kept with its revision and that revisions stay contiguous.
/// </summary>
public sealed class StoreFaultScenario
{
    /// <summary>The store and key-service call timeout of the fault tests, short so that they run in seconds.</summary>
    public const int CallTimeoutSeconds = 1;

    /// <summary>
    /// The longest answer allowed: a stalled call ends at the timeout, an audit append may wait for one queued ahead of
    /// it, and the rest is scheduling slack on a loaded machine.
    /// </summary>
    public static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds((2 * CallTimeoutSeconds) + 2);

    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(20);

    private readonly ApiTestHost _host;

    private StoreFaultScenario(ApiTestHost host, string credential)
    {
        _host = host;
        Credential = credential;
    }

    public string Credential { get; }

    /// <summary><paramref name="settings"/> plus the short call timeouts, and no response cache so that every poll reaches the store.</summary>
    public static Dictionary<string, string?> Settings(Dictionary<string, string?> settings)
    {
        settings["Storage:CallTimeoutSeconds"] = CallTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Kms:CallTimeoutSeconds"] = CallTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Api:ServiceResponseCacheSeconds"] = "0";
        return settings;
    }

    public static async Task<StoreFaultScenario> SeedAsync(ApiTestHost host)
    {
        var credential = (await Patiently(() => host.CreateCredentialAsync("db", ("password", "initial")))).Item.Id;
        await Patiently(() => host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential] }));
        return new StoreFaultScenario(host, credential);
    }

    /// <summary>
    /// Runs a setup step again while it answers "unavailable": a server just started on a busy machine may miss the
    /// short timeout of its first calls, and a client would retry.
    /// </summary>
    public static async Task<T> Patiently<T>(Func<Task<T>> seed)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await seed();
            }
            catch (Confidant.Services.Errors.DependencyUnavailableException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>Services polling GET /v1/services/billing and people writing the credential, each on a warm token.</summary>
    public async Task<ApiLoad> StartLoadAsync(int pollers, int writers, params (string Kind, Func<int, Task<(HttpResponseMessage Response, string? Sent)>> Call)[] more)
    {
        var service = await _host.ServiceClientAsync("billing");
        var person = await _host.UserClientAsync("alice");
        var callers = Enumerable.Range(0, pollers)
            .Select(_ => ("poll", (Func<int, Task<(HttpResponseMessage, string?)>>)(async _ =>
                (await service.GetAsync(new Uri("/v1/services/billing", UriKind.Relative)), null))))
            .Concat(Enumerable.Range(0, writers).Select(w => ("write", (Func<int, Task<(HttpResponseMessage, string?)>>)(n => WriteAsync(person, $"w{w}-{n}")))))
            .Concat(more)
            .ToArray();
        return ApiLoad.Start(callers);
    }

    /// <summary>Every write answered 200 is stored under the revision it was told, and revisions run 1, 2, 3 … without a gap.</summary>
    public async Task AssertAcknowledgedWritesKeptAsync(IReadOnlyList<LoadAnswer> answers)
    {
        var acknowledged = answers.Where(a => a.Kind == "write" && a.Status == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(acknowledged);
        var reader = _host.Get<CredentialReader>();
        foreach (var write in acknowledged)
        {
            var revision = JsonDocument.Parse(write.Body).RootElement.GetProperty("revision").GetInt32();
            var stored = await reader.GetRevisionAsync(ApiTestHost.Alice, Credential, revision, metadataOnly: false);
            Assert.Equal(write.Sent, TestData.Value(stored.Pairs, "password"));
        }

        var revisions = (await reader.ListRevisionsAsync(ApiTestHost.Alice, Credential)).Select(r => r.Item.Revision).Order().ToList();
        Assert.Equal(Enumerable.Range(1, revisions.Count), revisions);
    }

    private async Task<(HttpResponseMessage Response, string? Sent)> WriteAsync(HttpClient person, string value)
    {
        using var body = WireRequests.ClientJson($"{{\"credential_pairs\": {{\"password\": \"{value}\"}}}}");
        return (await person.PutAsync(new Uri($"/v1/credentials/{Credential}", UriKind.Relative), body), value);
    }
}
