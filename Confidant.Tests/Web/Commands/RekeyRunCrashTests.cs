using Confidant.Services.Rekey;
using Confidant.Services.Storage.Sqlite;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// The job survives the death of the process working it: the real server (<c>dotnet Confidant.Web.dll</c>, embedded
/// defaults in a temp directory) works a queued job and is killed with SIGKILL half-way; <c>rekey run</c> (the same
/// executable's verb, in a process of its own) takes the job over once the dead server's claim runs out and finishes
/// it; then the old key is disabled and every revision of every credential reads.
/// </summary>
public sealed class RekeyRunCrashTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task ServerKilledMidJob_RekeyRunTakesOverAndFinishes_EverythingReadsWithTheOldKeyDisabled()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = _directory.File("confidant.db"),
            ["Kms:LocalKeyRingPath"] = _directory.File("keyring.json"),
        };
        RekeySeed seed;
        string oldKey, newKey;
        await using (var operatorSide = await DomainHost.StartAsync(settings))
        {
            seed = await RekeySeed.WriteAsync(operatorSide.Services, credentials: 30, revisions: 3);
            (oldKey, newKey) = await new LocalRekeyBacking().RotateMasterKeyAsync(operatorSide);
            await operatorSide.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest());
        }

        var environment = new Dictionary<string, string>
        {
            ["Storage__Sqlite__Path"] = settings["Storage:Sqlite:Path"]!,
            ["Kms__LocalKeyRingPath"] = settings["Kms:LocalKeyRingPath"]!,
            ["Rekey__KmsCallsPerSecond"] = "40",
            ["Rekey__BatchSize"] = "10",
            ["Rekey__LeaseSeconds"] = "3",
            ["Rekey__PollSeconds"] = "1",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        await using (var server = ConfidantProcess.Start(environment))
        {
            await server.BaseAddressAsync();
            await Eventually.HoldsAsync(async () => (await ReadJobAsync()).Processed >= 30, TimeSpan.FromSeconds(60), "the server working the job");
            await server.KillAsync();
        }

        var killed = await ReadJobAsync();
        Assert.Equal(RekeyStatus.Running, killed.Status);
        Assert.NotNull(killed.Worker);
        Assert.InRange(killed.Processed, 30, seed.Items - 1);

        await using var run = ConfidantProcess.Command(environment, "rekey", "run");
        var exit = await run.WaitForExitAsync();

        Assert.True(exit == 0, run.Output);
        Assert.Contains($"rekey {killed.Id}: completed, ", run.Output, StringComparison.Ordinal);
        var finished = await ReadJobAsync();
        Assert.True(finished.Succeeded, finished.Error);
        // Items the server rewrote after its last save are met again and found done (skipped), never done twice.
        Assert.InRange(finished.Skipped, 0, 10);
        Assert.Equal(seed.Items, finished.Rewritten + finished.Skipped);
        await using var checkSide = await DomainHost.StartAsync(settings);
        Assert.All(await RekeySeed.WrappingKeysAsync(checkSide.Services), item => Assert.Equal(newKey, item.KeyArn));
        await new LocalRekeyBacking().DisableKeyAsync(checkSide, oldKey);
        await seed.AssertEveryRevisionReadsAsync(checkSide.Services);
    }

    private async Task<RekeyJob> ReadJobAsync()
    {
        var store = new SqliteConfidantStore(_directory.File("confidant.db"), TimeSpan.FromSeconds(5), NullLogger<SqliteConfidantStore>.Instance);
        return await new RekeyJobStore(store).LoadAsync() ?? throw new InvalidOperationException("No job.");
    }
}
