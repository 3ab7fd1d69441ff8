using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Configuration;

/// <summary>
/// Which setting wins, seen through the real Program in a real process with the real root appsettings.json: the
/// start-up line names what was selected. Lowest first: appsettings files, the AWS SDKs' names, Confidant's names,
/// our <c>Section__Key</c> variables, the command line.
/// </summary>
public sealed class ConfidantConfigurationTests
{
    private static readonly Dictionary<string, string> Development = new() { ["ASPNETCORE_ENVIRONMENT"] = "Development" };

    [Fact]
    public async Task Start_NoSettings_ShippedDefaultsNamedInTheStartLine()
    {
        var line = await StartLineAsync(Development);

        Assert.Contains("Confidant starting (Development): storage Sqlite (file ", line, StringComparison.Ordinal);
        Assert.Contains("key service Local (master key alias/confidant-at-rest, key ring ", line, StringComparison.Ordinal);
        Assert.Contains("roles Configured, kmsauth grants managed", line, StringComparison.Ordinal);
        Assert.Contains("sign-in mode Development", line, StringComparison.Ordinal);
        Assert.EndsWith("ACL Default", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ConfidantNames_OverrideTheShippedAppSettings()
    {
        // The regression: appsettings.json says Sqlite and Local; Confidant's own names must still select AWS.
        var line = await StartLineAsync(new(Development)
        {
            ["DYNAMODB_TABLE"] = "confidant-production",
            ["KMS_MASTER_KEY"] = "alias/confidant-production",
            ["AWS_DEFAULT_REGION"] = "eu-west-1",
            ["KMS_AUTH_MANAGE_GRANTS"] = "False",
            ["ACL_MODULE"] = "confidant.authnz.rbac:no_acl",
        });

        Assert.Contains("storage DynamoDb (table confidant-production, archive table none, region eu-west-1)", line, StringComparison.Ordinal);
        Assert.Contains("key service Aws (master key alias/confidant-production, region eu-west-1)", line, StringComparison.Ordinal);
        Assert.Contains("roles Aws, kmsauth grants not managed", line, StringComparison.Ordinal);
        Assert.EndsWith("ACL AllowAll", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OurVariablesAndCommandLine_WinOverConfidantNames()
    {
        var line = await StartLineAsync(
            new(Development)
            {
                ["DYNAMODB_TABLE"] = "from-confidant-name",
                ["DYNAMODB_TABLE_ARCHIVE"] = "archive-from-confidant-name",
                ["Storage__DynamoDb__Table"] = "from-our-variable",
                ["Storage__DynamoDb__ArchiveTable"] = "archive-from-our-variable",
                ["KMS_MASTER_KEY"] = "alias/from-confidant-name",
                ["Kms__Provider"] = "Local",
            },
            "--Storage:DynamoDb:ArchiveTable=archive-from-command-line");

        Assert.Contains("storage DynamoDb (table from-our-variable, archive table archive-from-command-line,", line, StringComparison.Ordinal);
        Assert.Contains("key service Local (master key alias/from-confidant-name,", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AwsEndpointNames_ServiceSpecificThenSharedThenConfidantsAndOursWin()
    {
        var line = await StartLineAsync(new(Development)
        {
            ["DYNAMODB_TABLE"] = "confidant",
            ["KMS_MASTER_KEY"] = "alias/confidant",
            ["AWS_REGION"] = "eu-central-1",
            ["AWS_DEFAULT_REGION"] = "us-west-2",
            ["AWS_ENDPOINT_URL"] = "http://every-service.test:4566",
            ["AWS_ENDPOINT_URL_KMS"] = "http://kms.test:4566",
            ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://dynamodb.test:4566",
            ["DYNAMODB_URL"] = "http://dynamodb-for-confidant.test:8000",
            ["Kms__ServiceUrl"] = "http://kms-for-confidant.test:8001",
        });

        Assert.Contains("region eu-central-1, endpoint http://dynamodb-for-confidant.test:8000/)", line, StringComparison.Ordinal);
        Assert.Contains("(master key alias/confidant, region eu-central-1, endpoint http://kms-for-confidant.test:8001/)", line, StringComparison.Ordinal);
        Assert.Contains("roles Aws, endpoint http://every-service.test:4566/, kmsauth grants managed", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownAclModule_ExitsNamingTheSetting()
    {
        await using var process = ConfidantProcess.Start(new Dictionary<string, string>(Development) { ["ACL_MODULE"] = "mycompany.acl:custom" });

        var exit = await process.WaitForExitAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("ACL_MODULE must be confidant.authnz.rbac:default_acl or confidant.authnz.rbac:no_acl", process.Output, StringComparison.Ordinal);
    }

    private static async Task<string> StartLineAsync(Dictionary<string, string> environment, params string[] args)
    {
        await using var process = ConfidantProcess.Start(environment, args);
        return await process.WaitForLineAsync("Confidant starting (");
    }
}
