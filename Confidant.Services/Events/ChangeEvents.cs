using System.Security.Cryptography;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Events;

/// <summary>
/// Raises the original's webhook events (spec §9.8) once a domain service has stored a change: a credential or blind
/// credential update or revert when a service maps it, and every service write or revert. The change is stored
/// already, so nothing here fails it: a failed look-up of the mapping services is logged and the event skipped.
/// </summary>
public sealed partial class ChangeEvents(IEventPublisher publisher, IConfidantStore store, TimeProvider time, ILogger<ChangeEvents> logger)
{
    public Task CredentialUpdatedAsync(ConfidantPrincipal caller, string id) =>
        MappedResourceUpdatedAsync(EventTypes.CredentialUpdate, caller, id, s => s.Credentials);

    public Task BlindCredentialUpdatedAsync(ConfidantPrincipal caller, string id) =>
        MappedResourceUpdatedAsync(EventTypes.BlindCredentialUpdate, caller, id, s => s.BlindCredentials);

    /// <summary>spec §9.8: the service, and its credential ids without the blind ones.</summary>
    public void ServiceUpdated(ConfidantPrincipal caller, ServiceItem service)
    {
        if (publisher.Wants(EventTypes.ServiceUpdate))
        {
            publisher.Publish(New(EventTypes.ServiceUpdate, caller, [service.Id], service.Credentials.ToList()));
        }
    }

    private async Task MappedResourceUpdatedAsync(
        string type,
        ConfidantPrincipal caller,
        string id,
        Func<ServiceItem, IReadOnlyList<string>> mapped)
    {
        if (!publisher.Wants(type))
        {
            return;
        }

        List<string> services;
        try
        {
            // The index lists the services; their items are read consistently, as the index may lag a fresh write.
            // Not cancelled with the request: a client that hangs up after its write still changed something.
            var listed = await store.QueryAsync(DataType.Service, PageRequest.All, CancellationToken.None);
            services = (await store.GetManyAsync(listed.Items.Select(s => s.Id), CancellationToken.None))
                .OfType<ServiceItem>()
                .Where(s => s.DataType == DataType.Service && mapped(s).Contains(id, StringComparer.Ordinal))
                .Select(s => s.Id)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (DependencyUnavailableException error)
        {
            LogLookupFailed(logger, type, id, error.GetType().Name);
            return;
        }

        if (services.Count > 0)
        {
            publisher.Publish(New(type, caller, services, [id]));
        }
    }

    private ConfidantEvent New(string type, ConfidantPrincipal caller, IReadOnlyList<string> services, IReadOnlyList<string> credentials) =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), type, time.GetUtcNow(), caller.Name, services, credentials);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} for {ResourceId} not sent: its services could not be read ({Error})")]
    private static partial void LogLookupFailed(ILogger logger, string eventType, string resourceId, string error);
}
