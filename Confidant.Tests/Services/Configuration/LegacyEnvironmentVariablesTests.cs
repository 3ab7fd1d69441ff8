using System.Collections;
using Confidant.Services.Configuration;
using Confidant.Services.Jwt;
using Confidant.Services.KmsAuth;
using Microsoft.Extensions.Configuration;

namespace Confidant.Tests.Services.Configuration;

/// <summary>
/// How each of Confidant's names is parsed and where it lands. Which source wins over which is tested through the
/// real Program (<c>Web/Configuration/ConfidantConfigurationTests</c>), never here.
/// </summary>
public sealed class LegacyEnvironmentVariablesTests
{
    private static IConfigurationRoot Load(IDictionary variables) =>
        new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(variables)).Build();

    [Fact]
    public void Load_ConfidantDeployment_MapsOntoOurKeys()
    {
        var configuration = Load(new Hashtable
        {
            ["DYNAMODB_TABLE"] = "confidant-production",
            ["DYNAMODB_TABLE_ARCHIVE"] = "confidant-archive",
            ["DYNAMODB_CREATE_TABLE"] = "no",
            ["KMS_MASTER_KEY"] = "alias/confidant-production",
            ["AUTH_CONTEXT"] = "confidant-production",
            ["AUTH_KEY"] = "alias/authnz-production",
            ["KMS_AUTH_USER_TYPES"] = "user, service",
            ["HISTORY_PAGE_LIMIT"] = "0",
            ["ROTATION_DAYS_CONFIG"] = "{\"ADMIN_PRIV\": 30}",
            ["TAGS_EXCLUDING_ROTATION"] = "[\"NO_ROTATION\"]",
            ["ACL_MODULE"] = "confidant.authnz.rbac:default_acl",
        });

        Assert.Equal("DynamoDb", configuration["Storage:Provider"]);
        Assert.Equal("confidant-production", configuration["Storage:DynamoDb:Table"]);
        Assert.Equal("confidant-archive", configuration["Storage:DynamoDb:ArchiveTable"]);
        Assert.Equal("true", configuration["Storage:DynamoDb:CreateTable"]); // spec §10: any other text is true
        Assert.Equal("Aws", configuration["Kms:Provider"]);
        Assert.Equal("alias/confidant-production", configuration["Kms:MasterKeyId"]);
        Assert.Equal(["user", " service"], configuration.GetSection("KmsAuth:UserTypes").Get<string[]>()!); // spec §13.32: not trimmed
        Assert.Null(configuration["Api:HistoryPageLimit"]);
        Assert.Equal("30", configuration["Credentials:RotationDaysConfig:ADMIN_PRIV"]);
        Assert.Equal("NO_ROTATION", configuration["Credentials:TagsExcludingRotation:0"]);
        Assert.Equal("Default", configuration["Acl:Policy"]);
    }

    [Fact]
    public void Load_ScopedAuthKeysByArnAndAlias_EveryEntryBindsWithItsAccount()
    {
        // The regression: ':' is the configuration separator, so an ARN used as a key used to lose its entry.
        const string Arn = "arn:aws:kms:us-east-1:123456789012:key/0b7e3d4c-aaaa-bbbb-cccc-123456789012";
        var configuration = Load(new Hashtable
        {
            ["SCOPED_AUTH_KEYS"] = $"{{\"{Arn}\": \"sandbox\", \"alias/authnz-staging\": \"staging\"}}",
        });

        var options = configuration.GetSection(KmsAuthOptions.SectionName).Get<KmsAuthOptions>()!;

        Assert.Equal([(Arn, "sandbox"), ("alias/authnz-staging", "staging")], options.ScopedAuthKeys.Select(k => (k.Key, k.Account)));
        Assert.Equal("sandbox", options.AccountOf(Arn));
        Assert.Equal(["sandbox", "staging"], options.Accounts);
    }

    [Fact]
    public void Load_ClientConfig_KeptAsJsonTextWithItsTypes()
    {
        const string Json = "{\"blind_keys\": {\"us-east-1\": \"alias/blind\"}, \"retries\": 3, \"ratio\": 0.5, \"store_keys\": true, \"none\": null, \"regions\": [\"us-east-1\", 2]}";

        var configuration = Load(new Hashtable { ["CLIENT_CONFIG"] = Json });

        Assert.Equal(Json, configuration["Api:ClientConfig"]);
        Assert.Empty(configuration.GetSection("Api:ClientConfig").GetChildren());
    }

    [Theory]
    [InlineData("confidant.authnz.rbac:default_acl", "Default")]
    [InlineData("confidant.authnz.rbac:no_acl", "AllowAll")]
    public void Load_AclModule_MapsOntoAclPolicy(string module, string policy)
    {
        Assert.Equal(policy, Load(new Hashtable { ["ACL_MODULE"] = module })["Acl:Policy"]);
    }

    [Fact]
    public void Load_NothingSet_ProvidesNothing()
    {
        var configuration = Load(new Hashtable { ["PATH"] = "/usr/bin", ["AWS_DEFAULT_REGION"] = "eu-west-1" });

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void Load_JwtSettings_MapOntoJwtAndTurnOffGeneratedKeys()
    {
        var configuration = Load(new Hashtable
        {
            ["JWT_IS_CA_ENCRYPTED"] = "false",
            ["JWT_CERTIFICATE_AUTHORITIES"] = "eyJzdGFnaW5nIjogW119",
            ["JWT_ACTIVE_SIGNING_KEYS"] = "{\"staging\": \"kid-2\", \"production\": \"kid-9\"}",
            ["JWT_DEFAULT_JWT_EXPIRATION_SECONDS"] = "1800",
            ["JWT_CACHING_ENABLED"] = "True",
            ["JWT_CACHING_MAX_SIZE"] = "50",
            ["JWT_CACHING_TTL_SECONDS"] = "300",
        });

        var options = configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>()!;

        Assert.Equal("eyJzdGFnaW5nIjogW119", options.CertificateAuthorities);
        Assert.False(options.GenerateKeys);
        Assert.Equal([("production", "kid-9"), ("staging", "kid-2")], options.ActiveSigningKeys.Select(p => (p.Key, p.Value)).Order());
        Assert.Equal((1800, true, 50, 300), (options.TokenLifetimeSeconds, options.Cache.Enabled, options.Cache.MaxSize, options.Cache.TtlSeconds));
    }

    [Fact]
    public void Load_EmptyJwtCertificateAuthorities_GeneratedKeysStay()
    {
        var configuration = Load(new Hashtable { ["JWT_CERTIFICATE_AUTHORITIES"] = string.Empty });

        Assert.Null(configuration["Jwt:GenerateKeys"]);
        Assert.Null(configuration["Jwt:CertificateAuthorities"]);
    }

    [Theory]
    [InlineData("AUTH_TOKEN_MAX_LIFETIME", "sixty", "AUTH_TOKEN_MAX_LIFETIME must be an integer.")]
    [InlineData("SCOPED_AUTH_KEYS", "{not json", "SCOPED_AUTH_KEYS is not valid JSON.")]
    [InlineData("SCOPED_AUTH_KEYS", "[1]", "SCOPED_AUTH_KEYS must be a JSON object.")]
    [InlineData("SCOPED_AUTH_KEYS", "{\"alias/a\": 1}", "SCOPED_AUTH_KEYS must map each key to an account name (a JSON string).")]
    [InlineData("CLIENT_CONFIG", "[1]", "CLIENT_CONFIG must be a JSON object.")]
    [InlineData("JWT_ACTIVE_SIGNING_KEYS", "[\"kid\"]", "JWT_ACTIVE_SIGNING_KEYS must be a JSON object.")]
    [InlineData("JWT_DEFAULT_JWT_EXPIRATION_SECONDS", "1h", "JWT_DEFAULT_JWT_EXPIRATION_SECONDS must be an integer.")]
    [InlineData("ACL_MODULE", "mycompany.acl:custom", "ACL_MODULE must be confidant.authnz.rbac:default_acl or confidant.authnz.rbac:no_acl; other ACL modules have no counterpart (see Acl:Policy).")]
    public void Load_BadValue_FailsNamingTheVariable(string name, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Load(new Hashtable { [name] = value }));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("False", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("", false)]
    [InlineData("no", true)]
    [InlineData("off", true)]
    [InlineData("True", true)]
    public void Boolean_PythonRules(string text, bool expected)
    {
        Assert.Equal(expected, SettingValueParser.Boolean(text));
    }
}
