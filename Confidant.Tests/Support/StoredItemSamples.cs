using Confidant.Services.Storage;

namespace Confidant.Tests.Support;

/// <summary>Sample items of every kind for storage tests; dates carry microseconds on purpose.</summary>
public static class StoredItemSamples
{
    public static readonly DateTimeOffset BaseDate = new(2024, 5, 1, 12, 30, 45, TimeSpan.Zero);

    /// <summary>A date with microseconds: a backend that keeps only milliseconds fails the round trips.</summary>
    public static DateTimeOffset At(int seconds, int microseconds = 123_456) =>
        BaseDate.AddSeconds(seconds).AddTicks(microseconds * 10L);

    private static readonly string[] KindNames =
        ["credential-full", "credential-minimal", "blind-full", "blind-minimal", "service-full", "service-minimal"];

    public static IEnumerable<object[]> Kinds() => KindNames.Select(kind => new object[] { kind });

    public static StoredItem Sample(string kind, string id, int revision = 1) => kind switch
    {
        "credential-full" => FullCredential(id, revision),
        "credential-minimal" => Credential(id, revision),
        "blind-full" => FullBlindCredential(id, revision),
        "blind-minimal" => BlindCredential(id, revision),
        "service-full" => FullService(id, revision),
        "service-minimal" => Service(id, revision),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sample."),
    };

    public static CredentialItem Credential(string id, int revision = 1, string name = "stripe api", DateTimeOffset? modified = null) => new()
    {
        Id = id,
        DataType = DataType.Credential,
        Revision = revision,
        Enabled = true,
        ModifiedDate = modified ?? At(revision),
        ModifiedBy = "alice@example.com",
        Name = name,
        CredentialPairs = "gAAAAABmZ2hpamtsbW5vcHFyc3R1dnd4eXo=",
        DataKey = "AQID//4=",
    };

    public static CredentialItem FullCredential(string id, int revision = 1) => Credential(id, revision) with
    {
        Enabled = false,
        Name = "clé d'API — 支付 🔑",
        CipherVersion = 2,
        Metadata = "{\"owner\": \"payments\", \"note\": \"\\u00e9\"}",
        Documentation = "rotate in the dashboard — ñ",
        Tags = ["FINANCIALLY_SENSITIVE", "ADMIN_PRIV"],
        LastRotationDate = At(-100, 101_010),
        LastDecryptedDate = At(-50, 1),
    };

    public static BlindCredentialItem BlindCredential(string id, int revision = 1, string name = "blind one") => new()
    {
        Id = id,
        DataType = DataType.BlindCredential,
        Revision = revision,
        Enabled = true,
        ModifiedDate = At(revision, 7),
        ModifiedBy = "bob@example.com",
        Name = name,
        CredentialPairs = "{\"us-east-1\": \"gAAAAABblind\"}",
        DataKey = "{\"us-east-1\": \"AQIDBA==\"}",
        CipherType = "fernet",
        CipherVersion = 2,
    };

    public static BlindCredentialItem FullBlindCredential(string id, int revision = 1) => BlindCredential(id, revision) with
    {
        Name = "blind ünïcode ✓",
        CredentialKeys = ["api_key", "api_user"],
        Metadata = "{\"context\": {\"us-east-1\": {\"group\": \"web\"}}}",
        Documentation = "client-side encrypted",
    };

    public static ServiceItem Service(string id, int revision = 1, DateTimeOffset? modified = null) => new()
    {
        Id = id,
        DataType = DataType.Service,
        Revision = revision,
        Enabled = true,
        ModifiedDate = modified ?? At(revision, 1),
        ModifiedBy = "carol@example.com",
    };

    public static ServiceItem FullService(string id, int revision = 1) => Service(id, revision) with
    {
        Credentials = ["0123456789abcdef0123456789abcdef", "7f3c2a1b9d8e4f60a1b2c3d4e5f60718"],
        BlindCredentials = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
        Account = "production",
    };

    /// <summary>A 32-hex id unique within the test run.</summary>
    public static string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static Confidant.Services.Exposure.ValueFingerprints Fingerprints(string keyId = "arn:aws:kms:us-east-1:111122223333:key/fp") =>
        new(keyId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["password"] = "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc=",
            ["user"] = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=",
        });

    /// <summary>An exposure mark of a credential with every field set (<paramref name="cleared"/>: its cleared version 2).</summary>
    public static Confidant.Services.Exposure.ExposureMark Mark(string credentialId, bool cleared = false) => new()
    {
        Id = Confidant.Services.Exposure.ExposureMark.IdPrefix + NewId(),
        DataType = DataType.Exposure,
        Revision = cleared ? 2 : 1,
        Enabled = !cleared,
        ModifiedDate = At(cleared ? 20 : 10, 42),
        ModifiedBy = "dora@example.com",
        ResourceType = "credential",
        ResourceId = credentialId,
        FromRevision = 2,
        ToRevision = 3,
        Reason = "pasted in #général — 支付",
        Incident = "INC-2024.05:7",
        ServiceId = cleared ? "web-production" : null,
        MarkedBy = "dora@example.com",
        MarkedAt = At(10, 42),
        FingerprintKeyId = "arn:aws:kms:us-east-1:111122223333:key/fp",
        Pairs = [new("password", "q1w2e3r4t5y6u7i8o9p0q1w2e3r4t5y6u7i8o9p0abc="), new("user", "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=")],
        ClearedAt = cleared ? At(20, 42) : null,
        ClearedBy = cleared ? "erin@example.com" : null,
        ClearedRevision = cleared ? 4 : null,
    };
}

