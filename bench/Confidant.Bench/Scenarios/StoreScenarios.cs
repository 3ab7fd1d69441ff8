using Confidant.Bench.Harness;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Services.Storage.Sqlite;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Confidant.Bench.Scenarios;

/// <summary>
/// One credential item through the storage port: a new revision (spec §6.3: the revision record, then the
/// conditional put of the current item) and a read of the current item, on SQLite (a file) and on dynalite (HTTP).
/// </summary>
internal sealed class StoreScenarios(BenchOptions options, DynaliteFixture dynalite, TempDirectory directory)
{
    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<IReadOnlyList<ResultRow>> RunAsync()
    {
        var template = await TemplateAsync();
        var sqliteStore = new SqliteConfidantStore(directory.File("bench.db"), TimeSpan.FromSeconds(5), NullLogger<SqliteConfidantStore>.Instance);
        await sqliteStore.InitializeAsync(CancellationToken.None);
        var (table, archiveTable) = await dynalite.CreateTablesAsync();
        var dynamoStore = new DynamoDbConfidantStore(
            dynalite.Client,
            Options.Create(new StorageOptions
            {
                Provider = StorageProvider.DynamoDb,
                DynamoDb = new DynamoDbStorageOptions { Table = table, ArchiveTable = archiveTable },
            }),
            NullLogger<DynamoDbConfidantStore>.Instance);

        var sqlite = new Target(sqliteStore, template with { Id = SampleCredentials.NewId() });
        var dynamo = new Target(dynamoStore, template with { Id = SampleCredentials.NewId() });
        var rows = new List<ResultRow>();
        rows.AddRange(await Comparison.RunAsync(
            "Write 1 credential revision (IConfidantStore.WriteRevisionAsync)",
            options.Rounds,
            new Variant("SQLite file", options.Iterations, _ => WriteNextAsync(sqlite)),
            new Variant("dynalite over HTTP", options.Iterations, _ => WriteNextAsync(dynamo))));
        rows.AddRange(await Comparison.RunAsync(
            "Read 1 credential (IConfidantStore.GetAsync)",
            options.Rounds,
            new Variant("SQLite file", options.Iterations * options.InProcessFactor, _ => ReadAsync(sqlite)),
            new Variant("dynalite over HTTP", options.Iterations, _ => ReadAsync(dynamo))));
        return rows;
    }

    // A real encrypted payload, so that the stored item has the size of a real three-pair credential.
    private async Task<CredentialItem> TemplateAsync()
    {
        const string alias = "alias/confidant-at-rest";
        var keys = new LocalKeyService(directory.File("store.keyring.json"), [alias], _time, NullLogger<LocalKeyService>.Instance);
        var settings = Options.Create(new KmsOptions { MasterKeyId = alias });
        var cipher = new CredentialCipher(keys, new DataKeyCache(settings, _time), settings, _time);
        var id = SampleCredentials.NewId();
        return SampleCredentials.Item(id, await cipher.EncryptAsync(id, SampleCredentials.CredentialPairs()), RevisionWriter.Now(_time));
    }

    private Task WriteNextAsync(Target target)
    {
        target.Revision++;
        return target.Store.WriteRevisionAsync(target.Item with { Revision = target.Revision, ModifiedDate = RevisionWriter.Now(_time) });
    }

    private static async Task ReadAsync(Target target)
    {
        if (await target.Store.GetAsync(target.Item.Id) is not CredentialItem { } item || item.Revision != target.Revision)
        {
            throw new InvalidOperationException($"Credential {target.Item.Id} did not read back at revision {target.Revision}.");
        }
    }

    private sealed class Target(IConfidantStore store, CredentialItem item)
    {
        public IConfidantStore Store { get; } = store;

        public CredentialItem Item { get; } = item;

        public int Revision { get; set; }
    }
}
