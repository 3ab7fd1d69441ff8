using System.Globalization;
using System.Security.Cryptography;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Revisions;
using Confidant.Services.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Bench.Scenarios;

/// <summary>The measured payload: one credential of three pairs with values of realistic length.</summary>
internal static class SampleCredentials
{
    public const int PairCount = 3;

    /// <summary>Three pairs; <paramref name="prefix"/> keeps keys distinct between credentials mapped to one service.</summary>
    public static (string Key, string Value)[] Pairs(string prefix) =>
    [
        ($"{prefix}api_key", RandomNumberGenerator.GetHexString(40, lowercase: true)),
        ($"{prefix}api_user", "svc-" + RandomNumberGenerator.GetHexString(8, lowercase: true)),
        ($"{prefix}password", Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))),
    ];

    public static CredentialPairs CredentialPairs(string prefix = "") =>
        Services.Credentials.CredentialPairs.FromStrings(Pairs(prefix).Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    public static string NewId() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>
    /// Credentials named <c>bench-credential-NNNNN</c> written straight to the store, as the sidebar's component test
    /// does: lists never decrypt, and thousands of domain writes would dominate a run. One real encrypted payload is
    /// reused.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SeedAsync(IServiceProvider services, int count, TimeProvider time)
    {
        var store = services.GetRequiredService<IConfidantStore>();
        var cipher = services.GetRequiredService<CredentialCipher>();
        var ids = new List<string>(count);
        var firstId = NewId();
        var encrypted = await cipher.EncryptAsync(firstId, CredentialPairs());
        for (var i = 0; i < count; i++)
        {
            var id = i == 0 ? firstId : NewId();
            var name = string.Create(CultureInfo.InvariantCulture, $"bench-credential-{i:D5}");
            await store.WriteRevisionAsync(Item(id, encrypted, RevisionWriter.Now(time)) with { Name = name });
            ids.Add(id);
        }

        return ids;
    }

    public static CredentialItem Item(string id, EncryptedPairs encrypted, DateTimeOffset modified, int revision = 1) => new()
    {
        Id = id,
        DataType = DataType.Credential,
        Revision = revision,
        Enabled = true,
        ModifiedDate = modified,
        ModifiedBy = "bench@example.com",
        Name = "bench credential " + id[..8],
        CredentialPairs = encrypted.CredentialPairs,
        DataKey = encrypted.DataKey,
        CipherVersion = encrypted.CipherVersion,
        Metadata = "{\"owner\": \"payments\"}",
        Documentation = "rotate in the dashboard",
        Tags = ["FINANCIALLY_SENSITIVE"],
    };
}
