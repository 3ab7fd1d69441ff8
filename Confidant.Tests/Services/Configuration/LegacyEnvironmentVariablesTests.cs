using System.Collections;
using Confidant.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Confidant.Tests.Services.Configuration;

public sealed class LegacyEnvironmentVariablesTests
{
    private static IConfigurationRoot Build(IDictionary variables, IDictionary<string, string?>? newStyle = null)
    {
        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite", ["Kms:Provider"] = "Local" });
        LegacyEnvironmentVariables.AddTo(builder, variables);
        if (newStyle is not null)
        {
            builder.AddInMemoryCollection(newStyle);
        }

        return builder.Build();
    }

    [Fact]
    public void Load_ConfidantDeployment_MapsOntoOurKeys()
    {
        var configuration = Build(new Hashtable
        {
            ["DYNAMODB_TABLE"] = "confidant-production",
            ["DYNAMODB_TABLE_ARCHIVE"] = "confidant-archive",
            ["DYNAMODB_CREATE_TABLE"] = "no",
            ["AWS_DEFAULT_REGION"] = "eu-west-1",
            ["KMS_MASTER_KEY"] = "alias/confidant-production",
            ["AUTH_CONTEXT"] = "confidant-production",
            ["AUTH_KEY"] = "alias/authnz-production",
            ["SCOPED_AUTH_KEYS"] = "{\"alias/authnz-sandbox\": \"sandbox\"}",
            ["KMS_AUTH_USER_TYPES"] = "user, service",
            ["HISTORY_PAGE_LIMIT"] = "0",
            ["ROTATION_DAYS_CONFIG"] = "{\"ADMIN_PRIV\": 30}",
            ["TAGS_EXCLUDING_ROTATION"] = "[\"NO_ROTATION\"]",
        });

        Assert.Equal("DynamoDb", configuration["Storage:Provider"]);
        Assert.Equal("confidant-production", configuration["Storage:DynamoDb:Table"]);
        Assert.Equal("confidant-archive", configuration["Storage:DynamoDb:ArchiveTable"]);
        Assert.Equal("true", configuration["Storage:DynamoDb:CreateTable"]); // spec §10: any other text is true
        Assert.Equal("eu-west-1", configuration["Kms:Region"]);
        Assert.Equal("Aws", configuration["Kms:Provider"]);
        Assert.Equal("alias/confidant-production", configuration["Kms:MasterKeyId"]);
        Assert.Equal("sandbox", configuration["KmsAuth:ScopedAuthKeys:alias/authnz-sandbox"]);
        Assert.Equal(["user", " service"], configuration.GetSection("KmsAuth:UserTypes").Get<string[]>()!); // spec §13.32: not trimmed
        Assert.Null(configuration["Api:HistoryPageLimit"]);
        Assert.Equal("30", configuration["Credentials:RotationDaysConfig:ADMIN_PRIV"]);
        Assert.Equal("NO_ROTATION", configuration["Credentials:TagsExcludingRotation:0"]);
    }

    [Fact]
    public void Load_NewStyleSettingGivenToo_NewStyleWins()
    {
        var configuration = Build(
            new Hashtable { ["DYNAMODB_TABLE"] = "old-name" },
            new Dictionary<string, string?> { ["Storage:DynamoDb:Table"] = "new-name" });

        Assert.Equal("new-name", configuration["Storage:DynamoDb:Table"]);
    }

    [Fact]
    public void Load_NothingSet_ChangesNothing()
    {
        var configuration = Build(new Hashtable { ["PATH"] = "/usr/bin" });

        Assert.Equal("Sqlite", configuration["Storage:Provider"]);
        Assert.Equal("Local", configuration["Kms:Provider"]);
    }

    [Theory]
    [InlineData("AUTH_TOKEN_MAX_LIFETIME", "sixty", "AUTH_TOKEN_MAX_LIFETIME must be an integer.")]
    [InlineData("SCOPED_AUTH_KEYS", "{not json", "SCOPED_AUTH_KEYS is not valid JSON.")]
    [InlineData("SCOPED_AUTH_KEYS", "[1]", "SCOPED_AUTH_KEYS must be a JSON object.")]
    public void Load_BadValue_FailsNamingTheVariable(string name, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new Hashtable { [name] = value }));

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
