using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

/// <summary>
/// Development sign-in lets anyone claim any name, so it must only be reachable from this machine. The configured
/// URLs are checked before the server starts and the bound addresses right after.
/// </summary>
internal sealed class DevelopmentSignInGuard(
    IOptions<AuthOptions> authOptions,
    IConfiguration configuration,
    IServer server) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (authOptions.Value.IsDevelopment)
        {
            ThrowIfAnyNotLoopback(ConfiguredUrls(configuration), "is configured to listen on");
        }

        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (authOptions.Value.IsDevelopment)
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            ThrowIfAnyNotLoopback(addresses, "is listening on");
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static IEnumerable<string> ConfiguredUrls(IConfiguration configuration)
    {
        foreach (var url in Split(configuration["urls"]))
        {
            yield return url;
        }

        // ASPNETCORE_HTTP_PORTS / HTTPS_PORTS bind every interface.
        foreach (var port in Split(configuration["http_ports"]))
        {
            yield return $"http://*:{port}";
        }

        foreach (var port in Split(configuration["https_ports"]))
        {
            yield return $"https://*:{port}";
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { } url)
            {
                yield return url;
            }
        }
    }

    private static string[] Split(string? value) =>
        (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void ThrowIfAnyNotLoopback(IEnumerable<string> urls, string verb)
    {
        var offending = urls.Where(url => !LoopbackAddress.IsLoopback(url)).ToList();
        if (offending.Count > 0)
        {
            throw new InvalidOperationException(
                $"Auth:Mode is Development (development sign-in), but the app {verb} {string.Join(", ", offending)}, " +
                "which is not a loopback address. Development sign-in only listens on localhost, 127.0.0.0/8 or [::1]: " +
                "set urls / ASPNETCORE_URLS (or the Kestrel endpoints) to a loopback address such as http://localhost:5000, " +
                "or configure a production sign-in mode in Auth:Mode.");
        }
    }
}
