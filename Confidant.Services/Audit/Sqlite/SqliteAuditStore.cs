using System.Globalization;
using Confidant.Services.Storage;
using Confidant.Services.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>Audit events in the SQLite file of the embedded defaults, one table, append-only.</summary>
internal sealed class SqliteAuditStore(string databasePath, TimeSpan busyTimeout) : IAuditStore
{
    private const string Columns = "id, time, action, resource_type, resource_id, revision, actor, actor_type, subject, email, address, via";

    private static readonly string[] ParameterNames =
        ["$id", "$time", "$action", "$type", "$resource", "$revision", "$actor", "$actorType", "$subject", "$email", "$address", "$via"];

    private readonly string _connectionString = SqliteConnections.ConnectionString(databasePath, busyTimeout);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS audit_events (
                id TEXT PRIMARY KEY, time TEXT NOT NULL, action TEXT NOT NULL, resource_type TEXT NOT NULL,
                resource_id TEXT NOT NULL, revision INTEGER, actor TEXT NOT NULL, actor_type TEXT NOT NULL,
                subject TEXT, email TEXT, address TEXT, via TEXT) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS audit_events_resource ON audit_events (resource_id, id);
            CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, id);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO audit_events ({Columns}) VALUES ($id, $time, $action, $type, $resource, $revision, $actor, $actorType, $subject, $email, $address, $via)";
        var parameters = ParameterNames
            .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        foreach (var audit in events)
        {
            object?[] values =
            [
                audit.Id, ConfidantDates.ToStored(audit.Time), audit.Action, audit.ResourceType, audit.ResourceId, audit.Revision,
                audit.Actor, audit.ActorType, audit.Subject, audit.Email, audit.Address, audit.Via,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var after = AuditPageToken.Decode(query.Page);
        var limit = Math.Clamp(query.Limit, 1, 1000);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM audit_events
            WHERE ($resource IS NULL OR resource_id = $resource) AND ($actor IS NULL OR actor = $actor) AND ($after IS NULL OR id < $after)
            ORDER BY id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$resource", (object?)query.ResourceId ?? DBNull.Value);
        command.Parameters.AddWithValue("$actor", (object?)query.Actor ?? DBNull.Value);
        command.Parameters.AddWithValue("$after", (object?)after ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit + 1);
        var events = new List<AuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AuditEvent
            {
                Id = reader.GetString(0),
                Time = ConfidantDates.ParseStored(reader.GetString(1)),
                Action = reader.GetString(2),
                ResourceType = reader.GetString(3),
                ResourceId = reader.GetString(4),
                Revision = reader.GetValue(5) is long revision ? (int)revision : null,
                Actor = reader.GetString(6),
                ActorType = reader.GetString(7),
                Subject = reader.GetValue(8) as string,
                Email = reader.GetValue(9) as string,
                Address = reader.GetValue(10) as string,
                Via = reader.GetValue(11) as string,
            });
        }

        var more = events.Count > limit;
        if (more)
        {
            events.RemoveAt(events.Count - 1);
        }

        return new AuditPage(events, more ? AuditPageToken.Encode(events[^1].Id) : null);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(_connectionString, busyTimeout, cancellationToken);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SQLite audit store at {databasePath}");
}
