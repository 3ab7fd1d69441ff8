using Confidant.Services.Audit;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Confidant.Services.Storage;

namespace Confidant.Web.Commands;

/// <summary>
/// What a command that reads or writes items needs from the unstarted host: the store's schema (or tables, when the
/// configuration creates them) and the audit trail's, as the server's start would make them.
/// </summary>
public static class CommandStartup
{
    public static async Task PrepareStoresAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await services.GetRequiredService<StorageInitialization>().RunAsync(cancellationToken);
        await services.GetRequiredService<IAuditStore>().InitializeAsync(cancellationToken);
    }

    /// <summary>Whether <paramref name="failure"/> is one a command reports as a refusal of one item and goes on.</summary>
    public static bool IsItemFailure(Exception failure) =>
        failure is ConfidantException or DependencyUnavailableException or KeyServiceException or AuditUnavailableException;

    /// <summary>Whether <paramref name="failure"/> means a dependency could not be reached or used at all.</summary>
    public static bool IsUnavailable(Exception failure) =>
        failure is DependencyUnavailableException or KeyServiceException or AuditUnavailableException or InvalidOperationException
            or IOException or HttpRequestException or Amazon.Runtime.AmazonServiceException or Microsoft.Data.Sqlite.SqliteException;
}
