using Confidant.Services;
using Confidant.Services.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Support;

/// <summary>
/// The real domain services on the embedded defaults (SQLite file + local key ring in a temp directory), wired by
/// the same <c>AddConfidantServices</c> the web host calls.
/// </summary>
public sealed class DomainHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly DirectoryInfo _directory;
    private bool _dead;
    private bool _disposed;

    private DomainHost(IHost host, DirectoryInfo directory, FakeTimeProvider time)
    {
        _host = host;
        _directory = directory;
        Time = time;
    }

    public static ConfidantPrincipal Alice { get; } = ConfidantPrincipal.ForUser("alice@example.com");

    public FakeTimeProvider Time { get; }

    public string DataDirectory => _directory.FullName;

    public static async Task<DomainHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        bool countKeyServiceCalls = false,
        Action<IServiceCollection>? configureServices = null)
    {
        var directory = Directory.CreateTempSubdirectory("confidant-domain-");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = directory.FullName });
        var configuration = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(directory.FullName, "confidant.db"),
            ["Kms:Provider"] = "Local",
            ["Kms:LocalKeyRingPath"] = Path.Combine(directory.FullName, "confidant.keyring.json"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddConfidantServices();
        configureServices?.Invoke(builder.Services);
        if (countKeyServiceCalls)
        {
            CountingKeyService.Decorate(builder.Services);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new DomainHost(host, directory, time);
    }

    public IServiceProvider Services => _host.Services;

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>
    /// Ends the host as a process that dies would: its hosted services are never stopped, so nothing they hold (a lease)
    /// is let go and nothing queued is flushed; the container is disposed, which ends their loops.
    /// </summary>
    public void Die()
    {
        _dead = true;
        _host.Dispose();
    }

    /// <summary>Stops and disposes the host (once: a test may stop a server before its end).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_dead)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
