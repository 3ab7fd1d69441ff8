using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>
/// An online backup of the SQLite database file (items, archive, audit trail, delivery log): SQLite's backup API copies
/// every page under one read transaction, so the copy is the database as of one moment, taken while servers keep
/// writing (WAL mode lets them). The copy is written beside its destination and moved into place only once complete
/// and checked, so a file at the destination is always a whole backup.
/// </summary>
public sealed class SqliteBackup(string databasePath)
{
    public string DatabasePath { get; } = Path.GetFullPath(databasePath);

    /// <summary>Copies the database into <paramref name="destination"/>, which must not exist yet.</summary>
    public async Task<SqliteBackupResult> CopyToAsync(string destination, CancellationToken cancellationToken = default)
    {
        var target = Path.GetFullPath(destination);
        if (!File.Exists(DatabasePath))
        {
            throw new FileNotFoundException($"There is no database at {DatabasePath}.");
        }

        if (File.Exists(target))
        {
            throw new IOException($"{target} already exists; a backup never overwrites a file.");
        }

        var partial = target + ".partial";
        File.Delete(partial);
        try
        {
            long pages;
            await using (var source = await OpenAsync(DatabasePath, SqliteOpenMode.ReadOnly, cancellationToken))
            await using (var copy = await OpenAsync(partial, SqliteOpenMode.ReadWriteCreate, cancellationToken))
            {
                source.BackupDatabase(copy);
                pages = Convert.ToInt64(await ScalarAsync(copy, "PRAGMA page_count;", cancellationToken), CultureInfo.InvariantCulture);
                var integrity = Convert.ToString(await ScalarAsync(copy, "PRAGMA integrity_check;", cancellationToken), CultureInfo.InvariantCulture);
                if (integrity != "ok")
                {
                    throw new InvalidDataException($"The copy fails SQLite's integrity check: {integrity}");
                }
            }

            File.Move(partial, target);
            return new SqliteBackupResult(target, pages, new FileInfo(target).Length);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        // Unpooled: the copy must be closed (and its file released) before it is moved into place.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

/// <summary>Where a backup went, its pages and its size in bytes.</summary>
public sealed record SqliteBackupResult(string Path, long Pages, long Bytes);
