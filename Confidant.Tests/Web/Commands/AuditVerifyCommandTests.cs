using Confidant.Services.Audit;
using Confidant.Services.Credentials;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Audit;
using Confidant.Web.Commands;

namespace Confidant.Tests.Web.Commands;

/// <summary><c>audit verify</c> on the app's own wiring: exit 0 with what it verified, 1 naming a broken record, 2 for bad arguments.</summary>
public sealed class AuditVerifyCommandTests : IAsyncDisposable
{
    private ApiTestHost _host = Start(checkpointRecords: 3);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Run_IntactTrail_Exit0WithCountsAndOpensNoChain()
    {
        var chainId = await RevealFiveTimesAsync();
        await _host.Get<AuditLog>().CloseAsync();
        var chains = await Store.ListChainsAsync();

        var (exit, output, error) = await RunAsync("audit", "verify");

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("audit verify: OK: ", output, StringComparison.Ordinal);
        var records = (await Store.HeadAsync(chainId))!.Sequence;
        Assert.Contains($"{records} records in 1 chains (1 closed, 0 open)", output, StringComparison.Ordinal);
        Assert.Equal(chains.Select(c => c.ChainId), (await Store.ListChainsAsync()).Select(c => c.ChainId));
    }

    [Fact]
    public async Task Run_OpenChain_SaysHowManyRecordsNoMacCoversYet()
    {
        // No checkpoint comes before 1000 records or 60 s of the host's fake clock.
        await _host.DisposeAsync();
        _host = Start(checkpointRecords: 1000);
        var chainId = await RevealFiveTimesAsync();

        var (exit, output, _) = await RunAsync("audit", "verify");

        Assert.Equal(0, exit);
        Assert.Contains($"chain {chainId}: open, 8 of 8 records after its last checkpoint", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RecordEditedInTheFile_Exit1NamingIt()
    {
        var chainId = await RevealFiveTimesAsync();
        await _host.Get<AuditLog>().CloseAsync();
        await new SqliteAuditBacking(Path.Combine(_host.Factory.DataDirectory, "confidant.db")).ChangeActorAsync(chainId, 3, "someone-else");

        var (exit, _, error) = await RunAsync("audit", "verify");

        Assert.Equal(1, exit);
        Assert.Contains($"audit verify: FAILED: chain {chainId} record 3: altered", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audit", "verify", "now")]
    [InlineData("audit", "verify", "--chain", "x")]
    public async Task Run_BadArguments_Exit2WithUsage(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(CommandLine.BadArguments, exit);
        Assert.Empty(output);
        Assert.Contains("usage: audit verify", error, StringComparison.Ordinal);
    }

    private IAuditStore Store => _host.Get<IAuditStore>();

    private static ApiTestHost Start(int checkpointRecords) =>
        ApiTestHost.Create(new Dictionary<string, string?> { ["Audit:CheckpointRecords"] = checkpointRecords.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private async Task<string> RevealFiveTimesAsync()
    {
        var credential = await _host.CreateCredentialAsync("db", ("password", "s3cret"));
        for (var i = 0; i < 5; i++)
        {
            await _host.Get<CredentialReader>().GetAsync(ApiTestHost.Alice, credential.Item.Id);
        }

        return _host.Get<AuditLog>().CurrentChainId!;
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(_host.Factory.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
