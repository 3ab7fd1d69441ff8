using System.Text.Json;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support.Rekey;

/// <summary>
/// Credentials written through the domain as people write them (several revisions each, some archived, some blind
/// credentials with owners), and the checks a re-encryption must pass: which key wraps each stored data key, and
/// whether every revision of every credential still reads what was written.
/// </summary>
public sealed class RekeySeed
{
    public const string BlindOwner = "team-blind@example.com";

    /// <summary>Per credential id, the password written at each revision (index 0 is revision 1).</summary>
    public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);

    public List<string> Archived { get; } = [];

    public List<string> Blind { get; } = [];

    /// <summary>Credential items written (current items and revision records, archived or not).</summary>
    public int Items => Values.Values.Sum(v => v.Count + 1);

    public static async Task<RekeySeed> WriteAsync(IServiceProvider services, int credentials, int revisions, int archived = 0, int blind = 0)
    {
        var seed = new RekeySeed();
        var writer = services.GetRequiredService<CredentialService>();
        for (var i = 0; i < credentials; i++)
        {
            var values = new List<string> { $"c{i}-r1" };
            var id = (await writer.CreateAsync(DomainHost.Alice, TestData.Credential($"rekey {i}", ("password", values[0])))).Item.Id;
            for (var revision = 2; revision <= revisions; revision++)
            {
                values.Add($"c{i}-r{revision}");
                await writer.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Pairs = TestData.Pairs(("password", values[^1])) });
            }

            if (i < archived)
            {
                // Archiving takes a disabled credential: one more revision.
                values.Add(values[^1]);
                await writer.UpdateAsync(DomainHost.Alice, id, new CredentialInput { Enabled = false });
                await writer.ArchiveAsync(DomainHost.Alice, id, force: true);
                seed.Archived.Add(id);
            }

            seed.Values[id] = values;
        }

        var blinds = services.GetRequiredService<BlindCredentialService>();
        for (var i = 0; i < blind; i++)
        {
            var created = await blinds.CreateAsync(DomainHost.Alice, new BlindCredentialInput
            {
                Name = $"blind {i}",
                CredentialPairs = TestData.Json("{\"us-east-1\": \"gAAAAABfake\"}"),
                DataKey = TestData.Json("{\"us-east-1\": \"AQICAHh=\"}"),
                CipherType = "fernet",
                CipherVersion = 2,
                CredentialKeys = ["api_key"],
                Metadata = TestData.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["owner"] = BlindOwner })),
            });
            seed.Blind.Add(created.Id);
        }

        return seed;
    }

    /// <summary>Every credential item of both tables with the ARN of the key its data key is wrapped under.</summary>
    public static async Task<List<(string Id, StoreTable Table, string KeyArn)>> WrappingKeysAsync(IServiceProvider services, string? except = null)
    {
        var store = services.GetRequiredService<IConfidantStore>();
        var keys = services.GetRequiredService<IKeyService>();
        var found = new List<(string, StoreTable, string)>();
        foreach (var table in new[] { StoreTable.Primary, StoreTable.Archive })
        {
            foreach (var type in new[] { DataType.Credential, DataType.ArchiveCredential })
            {
                var page = table == StoreTable.Primary
                    ? await store.QueryAsync(type, PageRequest.All)
                    : await store.QueryArchiveAsync(type, PageRequest.All);
                foreach (var item in page.Items.OfType<CredentialItem>().Where(i => i.Id != except))
                {
                    var context = new Dictionary<string, string> { ["id"] = item.Id.Split('-')[0] };
                    var key = await keys.DecryptAsync(Convert.FromBase64String(item.DataKey), context);
                    found.Add((item.Id, table, key.KeyArn));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Reads every revision of every credential (the live ones through the domain's reveal, the archived ones by
    /// decrypting their items) and fails unless each holds the password written at that revision.
    /// </summary>
    public async Task AssertEveryRevisionReadsAsync(IServiceProvider services)
    {
        var reader = services.GetRequiredService<CredentialReader>();
        var store = services.GetRequiredService<IConfidantStore>();

        // A new cipher: nothing served from the data-key cache of the writes; every data key goes to the key service.
        var cipher = new CredentialCipher(
            services.GetRequiredService<IKeyService>(),
            new DataKeyCache(Microsoft.Extensions.Options.Options.Create(new KmsOptions()), TimeProvider.System),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KmsOptions>>(),
            TimeProvider.System);
        var archived = (await store.QueryArchiveAsync(DataType.ArchiveCredential, PageRequest.All)).Items
            .Concat((await store.QueryArchiveAsync(DataType.Credential, PageRequest.All)).Items)
            .OfType<CredentialItem>()
            .ToList();
        foreach (var (id, values) in Values)
        {
            if (Archived.Contains(id))
            {
                foreach (var item in archived.Where(a => a.Id.Split('-')[0] == id))
                {
                    Assert.Equal(values[item.Revision - 1], TestData.Value(await cipher.DecryptAsync(item), "password"));
                }

                continue;
            }

            var current = await reader.GetAsync(DomainHost.Alice, id);
            Assert.Equal(values[^1], TestData.Value(current.Pairs, "password"));
            for (var revision = 1; revision <= values.Count; revision++)
            {
                var read = await reader.GetRevisionAsync(DomainHost.Alice, id, revision, metadataOnly: false);
                Assert.Equal(values[revision - 1], TestData.Value(read.Pairs, "password"));
            }
        }
    }
}
