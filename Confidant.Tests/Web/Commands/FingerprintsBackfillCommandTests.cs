using Confidant.Services.Audit;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Web.Commands;
using Microsoft.Data.Sqlite;

namespace Confidant.Tests.Web.Commands;

/// <summary><c>fingerprints backfill</c> on the app's own wiring: counts, fingerprints what lacks them, audited; 2 for bad arguments.</summary>
public sealed class FingerprintsBackfillCommandTests : IAsyncDisposable
{
    private readonly ApiTestHost _host = ApiTestHost.Create(new Dictionary<string, string?> { ["Exposure:BackfillItemsPerSecond"] = "1000" });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Run_CredentialsWrittenWithoutFingerprints_DryRunCountsThenBackfillFillsThem()
    {
        var old = await _host.CreateCredentialAsync("old", ("password", "p"));
        await _host.CreateCredentialAsync("new", ("token", "t"));
        await ForgetFingerprintsAsync(old.Item.Id);

        var (dryExit, dryOutput, _) = await RunAsync("fingerprints", "backfill", "--dry-run");
        var (exit, output, error) = await RunAsync("fingerprints", "backfill");
        var (_, after, _) = await RunAsync("fingerprints", "backfill", "--dry-run");

        Assert.Equal((0, 0), (dryExit, exit));
        Assert.Equal("fingerprints backfill: 1 credentials not yet fingerprinted", dryOutput.Trim());
        Assert.Empty(error);
        Assert.Equal("fingerprints backfill: 2 revisions fingerprinted, 2 already, 0 failed", output.Trim());
        Assert.Equal("fingerprints backfill: 0 credentials not yet fingerprinted", after.Trim());
        Assert.NotNull(((CredentialItem)(await _host.Get<IConfidantStore>().GetAsync(old.Item.Id))!).Fingerprints);
        var record = Assert.Single((await _host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.FingerprintBackfill })).Records);
        Assert.Equal(("command", "fingerprints backfill"), (record.Entry.Origin.Channel, record.Entry.Origin.Route));
    }

    [Theory]
    [InlineData("fingerprints", "backfill", "now")]
    [InlineData("fingerprints", "backfill", "--dry-run", "--dry-run")]
    public async Task Run_BadArguments_Exit2WithUsage(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(CommandLine.BadArguments, exit);
        Assert.Empty(output);
        Assert.Contains("usage: fingerprints backfill [--dry-run]", error, StringComparison.Ordinal);
    }

    /// <summary>The current item and revision record of a credential as another Confidant wrote them: no fingerprints.</summary>
    private async Task ForgetFingerprintsAsync(string id)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_host.Factory.DataDirectory, "confidant.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE items SET body = json_remove(body, '$.fingerprints') WHERE id IN ($id, $record)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$record", id + "-1");
        Assert.Equal(2, await command.ExecuteNonQueryAsync());
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(_host.Factory.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
