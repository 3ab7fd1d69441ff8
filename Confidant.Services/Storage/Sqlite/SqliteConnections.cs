using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>
/// How the SQLite file is opened, for the item store and the audit store alike: pooled connections that wait at most
/// the store call timeout for a lock, then fail with SQLITE_BUSY instead of hanging the request.
/// </summary>
internal static class SqliteConnections
{
    public static string ConnectionString(string databasePath, TimeSpan busyTimeout) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Microsoft.Data.Sqlite retries a busy statement until the command timeout, in whole seconds.
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
    }.ToString();

    /// <summary>
    /// Opens a connection with SQLite's own busy handler set too, for the locks taken outside a statement retry
    /// (BEGIN IMMEDIATE, schema changes).
    /// </summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
