using Confidant.Services.Rekey;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// The job survives the death of the process working it: the real server (<c>dotnet Confidant.Web.dll</c>) works a
/// queued job over a whole store and is killed with SIGKILL part-way; <c>rekey run</c> (the same executable's verb, in
/// a process of its own) takes the job over once the dead server's claim runs out and finishes it; then the old key is
/// disabled and every revision of every credential reads. Run on each backing.
/// </summary>
public abstract class RekeyRunCrashContract(RekeyBacking backing) : IDisposable
{
    private const int Revisions = 3;
    private const int BatchSize = 50;

    private readonly TempDirectory _directory = new();

    /// <summary>Credentials written before the job (each with <see cref="Revisions"/> revisions).</summary>
    protected abstract int Credentials { get; }

    /// <summary>
    /// The server's pace: slow enough that, with <see cref="KillAfter"/> items done, the rest takes it many seconds, so the
    /// kill always lands mid-job. <c>rekey run</c> then works unpaced (the largest rate the settings allow).
    /// </summary>
    protected abstract int ServerKmsCallsPerSecond { get; }

    /// <summary>Items the server has saved as done when it is killed.</summary>
    protected virtual int KillAfter => 2 * BatchSize;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ServerKilledMidJob_RekeyRunTakesOverAndFinishes_EverythingReadsWithTheOldKeyDisabled()
    {
        var settings = await backing.SettingsAsync();
        settings.TryAdd("Storage:Sqlite:Path", _directory.File("confidant.db"));
        settings.TryAdd("Kms:LocalKeyRingPath", _directory.File("keyring.json"));
        RekeySeed seed;
        string oldKey, newKey;
        await using (var operatorSide = await DomainHost.StartAsync(settings))
        {
            seed = await RekeySeed.WriteAsync(operatorSide.Services, Credentials, Revisions);
            (oldKey, newKey) = await backing.RotateMasterKeyAsync(operatorSide);
            await operatorSide.Get<RekeyService>().StartAsync(DomainHost.Alice, new RekeyRequest());
        }

        var environment = Environment(settings, ServerKmsCallsPerSecond);
        RekeyJob killed;
        await using (var observer = await DomainHost.StartAsync(settings))
        await using (var server = ConfidantProcess.Start(environment))
        {
            await server.BaseAddressAsync();
            await Eventually.HoldsAsync(
                async () => (await ReadJobAsync(observer)).Processed >= KillAfter, TimeSpan.FromSeconds(60), "the server working the job");
            await server.KillAsync();
            killed = await ReadJobAsync(observer);
        }

        Assert.Equal(RekeyStatus.Running, killed.Status);
        Assert.NotNull(killed.Worker);
        Assert.InRange(killed.Processed, KillAfter, seed.Items - 1);

        await using var run = ConfidantProcess.Command(Environment(settings, 10_000), "rekey", "run");
        var exit = await run.WaitForExitAsync();

        Assert.True(exit == 0, run.Output);
        Assert.Contains($"rekey {killed.Id}: completed, ", run.Output, StringComparison.Ordinal);
        await using var checkSide = await DomainHost.StartAsync(settings);
        var finished = await ReadJobAsync(checkSide);
        Assert.True(finished.Succeeded, finished.Error);
        // Items the server rewrote after its last save are met again and found done (skipped), never done twice.
        Assert.InRange(finished.Skipped, 0, BatchSize);
        Assert.Equal(seed.Items, finished.Rewritten + finished.Skipped);
        Assert.All(await RekeySeed.WrappingKeysAsync(checkSide.Services), item => Assert.Equal(newKey, item.KeyArn));
        await backing.DisableKeyAsync(checkSide, oldKey);
        await seed.AssertEveryRevisionReadsAsync(checkSide.Services);
    }

    /// <summary>The settings as the executable's environment, exactly (plus what the AWS SDK finds there).</summary>
    private static Dictionary<string, string> Environment(Dictionary<string, string?> settings, int kmsCallsPerSecond)
    {
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? string.Empty);
        environment["Rekey__KmsCallsPerSecond"] = kmsCallsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Rekey__BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Rekey__LeaseSeconds"] = "3";
        environment["Rekey__PollSeconds"] = "1";
        environment["DOTNET_ENVIRONMENT"] = "Development";
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    private static async Task<RekeyJob> ReadJobAsync(DomainHost host) =>
        await new RekeyJobStore(host.Get<IConfidantStore>()).LoadAsync() ?? throw new InvalidOperationException("No job.");
}
