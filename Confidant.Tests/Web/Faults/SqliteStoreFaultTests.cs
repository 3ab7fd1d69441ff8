using System.Diagnostics;
using System.Net;
using Confidant.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Confidant.Tests.Web.Faults;

/// <summary>
/// The embedded store while another process holds the SQLite file's write lock: writes give up at the call timeout
/// with a JSON 503 and Retry-After instead of waiting half a minute, and succeed again once the lock is released.
/// </summary>
public sealed class SqliteStoreFaultTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;
    private StoreFaultScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        _host = ApiTestHost.Create(StoreFaultScenario.Settings([]));
        _scenario = await StoreFaultScenario.SeedAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UpdateCredential_FileLockedByAnotherProcess_503WithinTimeoutThenRecovers()
    {
        using var person = await _host.UserClientAsync("alice");
        var path = $"/v1/credentials/{_scenario.Credential}";

        WireResponse locked;
        var took = Stopwatch.StartNew();
        await using (var other = new SqliteConnection($"Data Source={Path.Combine(_host.Factory.DataDirectory, "confidant.db")};Pooling=False"))
        {
            await other.OpenAsync();
            await using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN EXCLUSIVE;";
            await hold.ExecuteNonQueryAsync();

            locked = await person.PutWireAsync(path, "{\"credential_pairs\": {\"password\": \"while-locked\"}}");
            took.Stop();
        }

        locked.AssertError(HttpStatusCode.ServiceUnavailable, "The store is unavailable; try again later.");
        Assert.NotNull(locked.Response.Headers.RetryAfter);
        Assert.True(took.Elapsed < StoreFaultScenario.AnswerLimit, $"took {took.Elapsed}");
        var after = await person.PutWireAsync(path, "{\"credential_pairs\": {\"password\": \"after\"}}");
        Assert.Equal(HttpStatusCode.OK, after.Status);
    }
}
