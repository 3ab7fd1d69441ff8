using System.Security.Cryptography;
using Confidant.Services.Audit;
using Confidant.Services.Storage.DynamoDb;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// <c>tables create</c> run as an operator runs it (the built executable, configured by the original's environment
/// names) against dynalite: the three tables appear, a second run changes nothing, and the creations are audited.
/// </summary>
[Collection(DynaliteCollection.Name)]
public sealed class TablesCreateCommandTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task Run_Twice_CreatesPrimaryArchiveAndAuditTablesOnceAndRecordsTheOperator()
    {
        MotoServerFixture.ProvideDefaultCredentials();
        var table = $"tables-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var environment = new Dictionary<string, string>
        {
            ["DYNAMODB_TABLE"] = table,
            ["DYNAMODB_TABLE_ARCHIVE"] = $"{table}-archive",
            ["DYNAMODB_URL"] = dynalite.ServiceUrl,
            ["AWS_ACCESS_KEY_ID"] = "confidant-test",
            ["AWS_SECRET_ACCESS_KEY"] = "confidant-test",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        var first = await RunAsync(environment, "tables", "create");
        var second = await RunAsync(environment, "tables", "create");

        Assert.True(first.Exit == 0, first.Output);
        foreach (var name in new[] { table, $"{table}-archive", $"{table}-audit" })
        {
            Assert.Contains($"{name}: created", first.Output, StringComparison.Ordinal);
            Assert.Contains($"{name}: exists", second.Output, StringComparison.Ordinal);
            Assert.Equal("ACTIVE", (await dynalite.Client.DescribeTableAsync(name)).Table.TableStatus.Value);
        }

        Assert.True(second.Exit == 0, second.Output);
        Assert.Equal(TableBootstrapper.DateIndexName, Assert.Single((await dynalite.Client.DescribeTableAsync(table)).Table.GlobalSecondaryIndexes).IndexName);

        await using var host = ApiTestHost.Create(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "DynamoDb",
            ["Storage:DynamoDb:Table"] = table,
            ["Storage:DynamoDb:ServiceUrl"] = dynalite.ServiceUrl,
        });
        var recorded = await CommandBackend.CommandEntriesAsync(host, "tables create");
        Assert.Equal(
            [table, $"{table}-archive", $"{table}-audit"],
            recorded.Select(e => e.ResourceId).Order(StringComparer.Ordinal));
        Assert.All(recorded, e => Assert.Equal(
            (AuditActions.Admin, DynamoDbTables.TableResource, Environment.UserName, AuditAuthMethods.Command, Environment.MachineName),
            (e.Action, e.ResourceType, e.Actor.Name, e.Actor.AuthMethod, e.Origin.Address)));
    }

    private static async Task<(int Exit, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = ConfidantProcess.Command(environment, args);
        var exit = await process.WaitForExitAsync();
        return (exit, process.Output);
    }
}
