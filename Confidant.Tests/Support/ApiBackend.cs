using System.Collections.Concurrent;
using Amazon.KeyManagementService.Model;

namespace Confidant.Tests.Support;

/// <summary>
/// Where an <see cref="ApiTestHost"/> keeps its items and keys: SQLite and the local key ring (the embedded
/// defaults), or DynamoDB on dynalite and AWS KMS on moto, reached only through settings as a deployment reaches
/// them. The route tests are written once and run on each (see <c>Web/Api/EndpointsTestsByBackend.cs</c>).
/// </summary>
public abstract class ApiBackend
{
    public static ApiBackend Local { get; } = new LocalBackend();

    public static ApiBackend Aws(DynaliteFixture dynalite, MotoServerFixture moto) => new AwsBackend(dynalite, moto);

    /// <summary>Settings for an empty store with the kmsauth keys <see cref="ApiTestHost"/> names.</summary>
    public abstract Task<Dictionary<string, string?>> SettingsAsync();

    private sealed class LocalBackend : ApiBackend
    {
        // ConfidantWebFactory points the SQLite file and the key ring at a fresh temp directory; the ring creates the aliases.
        public override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
    }

    private sealed class AwsBackend(DynaliteFixture dynalite, MotoServerFixture moto) : ApiBackend
    {
        private static readonly ConcurrentDictionary<(string Moto, string Alias), bool> KnownAliases = new();

        public override async Task<Dictionary<string, string?>> SettingsAsync()
        {
            MotoServerFixture.ProvideDefaultCredentials();
            foreach (var alias in new[] { ApiTestHost.AtRestKey, ApiTestHost.AuthKey, ApiTestHost.UserAuthKey, ApiTestHost.ScopedKey })
            {
                await EnsureKeyAsync(alias);
            }

            var settings = await dynalite.StorageSettingsAsync();
            settings["Kms:Provider"] = "Aws";
            settings["Kms:MasterKeyId"] = ApiTestHost.AtRestKey;
            settings["Kms:ServiceUrl"] = moto.ServiceUrl;

            // The route tests name their roles in Iam:Roles; where roles come from is tested apart.
            settings["Iam:Provider"] = "Configured";
            return settings;
        }

        /// <summary>The tests in the collection share this moto: a key under each alias is made once.</summary>
        private async Task EnsureKeyAsync(string alias)
        {
            if (!KnownAliases.TryAdd((moto.ServiceUrl, alias), true))
            {
                return;
            }

            try
            {
                await moto.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias });
            }
            catch (NotFoundException)
            {
                var key = await moto.Kms.CreateKeyAsync(new CreateKeyRequest { Description = alias });
                await moto.Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyMetadata.KeyId });
            }
        }
    }
}
