using Confidant.Services.Audit;
using Confidant.Web.Commands;

namespace Confidant.Tests.Support;

/// <summary>
/// Where the admin command tests keep their items: the embedded SQLite file, or DynamoDB tables on dynalite (with the
/// local key ring, so no KMS server is needed). Also runs a verb in-process against a host and reads what the
/// commands recorded in the audit trail.
/// </summary>
public abstract class CommandBackend
{
    public static CommandBackend Sqlite { get; } = new SqliteBackend();

    public static CommandBackend Dynalite(DynaliteFixture dynalite) => new DynaliteBackend(dynalite);

    public abstract Task<ApiTestHost> CreateHostAsync(IReadOnlyDictionary<string, string?>? settings = null);

    /// <summary>Runs <paramref name="args"/> as the executable would, on a host's services.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(IServiceProvider services, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The audit entries recorded through <paramref name="route"/> of the command channel.</summary>
    public static async Task<List<AuditEntry>> CommandEntriesAsync(ApiTestHost host, string route) =>
        [.. (await host.Get<AuditLog>().QueryAsync(new AuditQuery())).Records.Select(r => r.Entry)
            .Where(e => e.Origin.Channel == AuditChannels.Command && e.Origin.Route == route)];

    private sealed class SqliteBackend : CommandBackend
    {
        public override Task<ApiTestHost> CreateHostAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
            Task.FromResult(ApiTestHost.Create(settings));
    }

    private sealed class DynaliteBackend(DynaliteFixture dynalite) : CommandBackend
    {
        public override async Task<ApiTestHost> CreateHostAsync(IReadOnlyDictionary<string, string?>? settings = null)
        {
            MotoServerFixture.ProvideDefaultCredentials();
            var (table, archive) = await dynalite.CreateTablesAsync();
            var all = new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "DynamoDb",
                ["Storage:DynamoDb:Table"] = table,
                ["Storage:DynamoDb:ArchiveTable"] = archive,
                ["Storage:DynamoDb:ServiceUrl"] = dynalite.ServiceUrl,
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            return ApiTestHost.Create(all);
        }
    }
}
