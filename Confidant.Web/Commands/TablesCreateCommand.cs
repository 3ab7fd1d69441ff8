using Confidant.Services.Storage.DynamoDb;
using Confidant.Web.Auth.Origins;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>tables create</c>: creates the configured DynamoDB tables (primary, archive and audit; spec §6.1, the original's
/// <c>create_dynamodb_tables</c>) that do not exist yet and waits until they are ACTIVE. Running it again changes
/// nothing.
/// </summary>
public static class TablesCreateCommand
{
    public const string Usage = "usage: tables create";

    public static CommandVerb Verb { get; } = new(
        ["tables", "create"],
        Usage,
        "Creates the configured DynamoDB tables (primary, archive, audit) that do not exist yet; idempotent.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandArguments.Parse(args, 2, [], []) is null)
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        if (services.GetService<DynamoDbTables>() is not { } tables)
        {
            await error.WriteLineAsync("tables create is for DynamoDB: set Storage:Provider=DynamoDb and Storage:DynamoDb:Table (or DYNAMODB_TABLE).");
            return 1;
        }

        try
        {
            await tables.CreateAllAsync(
                CallerOrigins.ForCommand(Verb.Name),
                (table, created) => output.WriteLineAsync($"{table}: {(created ? "created" : "exists")}"));
            return 0;
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || failure is TimeoutException)
        {
            await error.WriteLineAsync($"tables create: {failure.Message}");
            return 1;
        }
    }
}
