using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Certificates.Local;

/// <summary>
/// Creates the local CA on first start. A key service that cannot be reached does not stop Confidant from serving
/// secrets: the CA is then made on its first use instead.
/// </summary>
internal sealed partial class LocalCertificateAuthorityStartup(
    CertificateAuthorities authorities,
    ILogger<LocalCertificateAuthorityStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var local in authorities.All.OfType<LocalCertificateAuthority>())
        {
            try
            {
                await local.EnsureCreatedAsync(cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException and not OutOfMemoryException)
            {
                LogDeferred(logger, error.GetType().Name);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The local CA could not be loaded or created at start ({Error}); it will be tried again on first use")]
    private static partial void LogDeferred(ILogger logger, string error);
}
