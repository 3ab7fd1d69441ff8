using Confidant.Services.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Notifications.Deliveries.Sqlite;

/// <summary>
/// The delivery log in the SQLite file of the embedded defaults: one row per attempt, times in ticks (UTC), ordered
/// by (time, id) for keyset paging newest first.
/// </summary>
internal sealed class SqliteDeliveryLogStore(string databasePath, TimeSpan busyTimeout) : IDeliveryLogStore
{
    private const string Columns = "id, event_id, event_type, channel, endpoint, attempt, time, outcome, status, error, next_retry";

    private static readonly string[] Parameters =
        ["$id", "$event_id", "$event_type", "$channel", "$endpoint", "$attempt", "$time", "$outcome", "$status", "$error", "$next_retry"];

    private readonly string _connectionString = SqliteConnections.ConnectionString(databasePath, busyTimeout);

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS notification_deliveries (
                id TEXT NOT NULL PRIMARY KEY, event_id TEXT NOT NULL, event_type TEXT NOT NULL, channel TEXT NOT NULL,
                endpoint TEXT NOT NULL, attempt INTEGER NOT NULL, time INTEGER NOT NULL, outcome TEXT NOT NULL,
                status TEXT, error TEXT, next_retry INTEGER
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS ix_notification_deliveries_time ON notification_deliveries (time, id);
            CREATE INDEX IF NOT EXISTS ix_notification_deliveries_event ON notification_deliveries (event_id, time);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AppendAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT OR IGNORE INTO notification_deliveries ({Columns})
            VALUES ({string.Join(", ", Parameters)})
            """;
        var parameters = Parameters
            .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name }))
            .ToArray();
        foreach (var attempt in attempts)
        {
            object?[] values =
            [
                attempt.Id, attempt.EventId, attempt.EventType, attempt.Channel, attempt.Endpoint, attempt.Attempt,
                attempt.Time.UtcTicks, attempt.Outcome, attempt.Status, attempt.Error, attempt.NextRetry?.UtcTicks,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<DeliveryPage> QueryAsync(DeliveryQuery query, CancellationToken cancellationToken = default)
    {
        var after = DeliveryPageToken.Decode(query.Page);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var conditions = new List<string>();
        void Filter(string column, string? value)
        {
            if (value is not null)
            {
                conditions.Add($"{column} = ${column}");
                command.Parameters.AddWithValue("$" + column, value);
            }
        }

        Filter("channel", query.Channel);
        Filter("endpoint", query.Endpoint);
        Filter("event_id", query.EventId);
        Filter("outcome", query.Outcome);
        if (after is { } position)
        {
            conditions.Add("(time, id) < ($after_time, $after_id)");
            command.Parameters.AddWithValue("$after_time", position.Ticks);
            command.Parameters.AddWithValue("$after_id", position.Id);
        }

        command.CommandText = $"""
            SELECT {Columns} FROM notification_deliveries
            {(conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions))}
            ORDER BY time DESC, id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        var attempts = new List<DeliveryAttempt>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            attempts.Add(new DeliveryAttempt(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt32(5),
                new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero),
                reader.GetString(7),
                await reader.IsDBNullAsync(8, cancellationToken) ? null : reader.GetString(8),
                await reader.IsDBNullAsync(9, cancellationToken) ? null : reader.GetString(9),
                await reader.IsDBNullAsync(10, cancellationToken) ? null : new DateTimeOffset(reader.GetInt64(10), TimeSpan.Zero)));
        }

        if (attempts.Count <= query.PageSize)
        {
            return new DeliveryPage(attempts, null);
        }

        attempts.RemoveAt(attempts.Count - 1);
        return new DeliveryPage(attempts, DeliveryPageToken.Encode(attempts[^1]));
    }

    public async Task<int> DeleteBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM notification_deliveries WHERE time < $cutoff";
        command.Parameters.AddWithValue("$cutoff", cutoff.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(_connectionString, busyTimeout, cancellationToken);
}
