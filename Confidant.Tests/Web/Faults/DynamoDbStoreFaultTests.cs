using System.Net;
using Amazon.DynamoDBv2;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Confidant.Tests.Web.Faults;

/// <summary>
/// The app while its DynamoDB store fails for real: dynalite, its tables on disk, is stopped, restarted on the same
/// port, frozen with SIGSTOP and thawed while services poll and people write. Every answer is 200 or a JSON 503 with
/// Retry-After within the call timeout (the client retries 503, spec §11.4), every acknowledged write survives, and
/// service resumes without restarting the app.
/// </summary>
public sealed class DynamoDbStoreFaultTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly CapturedLogs _logs = new();
    private DynaliteFixture _dynalite = null!;
    private ApiTestHost _host = null!;
    private StoreFaultScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        _dynalite = DynaliteFixture.OnDisk(_data.Path);
        await _dynalite.InitializeAsync();
        var (table, archive) = await _dynalite.CreateTablesAsync();
        _host = ApiTestHost.Create(
            StoreFaultScenario.Settings(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "DynamoDb",
                ["Storage:DynamoDb:Table"] = table,
                ["Storage:DynamoDb:ArchiveTable"] = archive,
            }),
            configureServices: services =>
            {
                services.AddSingleton<IAmazonDynamoDB>(_ => _dynalite.CreateClient());
                services.AddSingleton<ILoggerProvider>(_logs);
            });
        _scenario = await StoreFaultScenario.SeedAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose()
    {
        _dynalite.Dispose();
        _data.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Requests_StoreStoppedRestartedFrozenAndThawedUnderLoad_200Or503JsonAndNothingAcknowledgedLost()
    {
        await using var load = await _scenario.StartLoadAsync(pollers: 3, writers: 2);

        await Task.Delay(TimeSpan.FromSeconds(1));
        var stopped = load.Now;
        _dynalite.Stop();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await _dynalite.RestartAsync();
        var restarted = load.Now;
        await load.WaitForAsync("poll", HttpStatusCode.OK, restarted, StoreFaultScenario.RecoveryLimit);
        await load.WaitForAsync("write", HttpStatusCode.OK, restarted, StoreFaultScenario.RecoveryLimit);
        _dynalite.Freeze();
        var frozen = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        _dynalite.Resume();
        var thawed = load.Now;
        await load.WaitForAsync("poll", HttpStatusCode.OK, thawed, StoreFaultScenario.RecoveryLimit);
        await load.WaitForAsync("write", HttpStatusCode.OK, thawed, StoreFaultScenario.RecoveryLimit);
        await load.StopAsync();

        var answers = load.Answers;
        output.WriteLine(load.Report());
        LoadAnswer.AssertAll200Or503Json(answers, StoreFaultScenario.AnswerLimit);
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable && a.Started > stopped && a.Started < restarted);
        Assert.Contains(answers, a => a.Status == HttpStatusCode.ServiceUnavailable && a.Started > frozen && a.Started < thawed);
        await _scenario.AssertAcknowledgedWritesKeptAsync(answers);
    }

    [Fact]
    public async Task Requests_FiveSecondStoreOutage_FewLogLinesAndNoStackTraces()
    {
        await using (var warmUp = await _scenario.StartLoadAsync(pollers: 1, writers: 0))
        {
            await warmUp.WaitForAsync("poll", HttpStatusCode.OK, TimeSpan.Zero, StoreFaultScenario.RecoveryLimit);
        }

        var before = _logs.Entries.Count;
        _dynalite.Stop();
        int requests;
        await using (var load = await _scenario.StartLoadAsync(pollers: 8, writers: 2))
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            await load.StopAsync();
            requests = load.Answers.Count;
            output.WriteLine(load.Report());
            LoadAnswer.AssertAll200Or503Json(load.Answers, StoreFaultScenario.AnswerLimit);
        }

        var lines = _logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Warning || e.Exception is not null).ToList();
        output.WriteLine($"{lines.Count} log lines at warning or above:\n{string.Join("\n", lines.Select(l => l.Text))}");
        Assert.True(requests >= 50, $"only {requests} requests during the outage");
        Assert.True(lines.Count <= 4, $"{lines.Count} lines for {requests} failed requests:\n{string.Join("\n", lines.Take(5).Select(l => l.Text))}");
        Assert.All(lines, line => Assert.Null(line.Exception));
    }

    [Fact]
    public async Task CredentialsPage_StoreStopped_SaysTheStoreIsUnavailable()
    {
        using var person = await _host.SessionClientAsync();
        _dynalite.Stop();

        using var response = await person.GetAsync(new Uri("/credentials", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(
            response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
            $"{(int)response.StatusCode}: {html[..Math.Min(300, html.Length)]}");
        Assert.Contains("The store is unavailable", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Something went wrong", html, StringComparison.Ordinal);
    }
}
