using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Support;

/// <summary>
/// The real app in-process, pointed at a fresh temp directory (SQLite file and local key ring) and a fake clock.
/// Extra settings are applied as host settings, so they win over the root appsettings.json.
/// </summary>
public sealed class ConfidantWebFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    public ConfidantWebFactory(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        DataDirectory = Directory.CreateTempSubdirectory("confidant-web-").FullName;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:Sqlite:Path"] = Path.Combine(DataDirectory, "confidant.db"),
            ["Kms:LocalKeyRingPath"] = Path.Combine(DataDirectory, "keyring.json"),
            ["Jwt:KeyFile"] = Path.Combine(DataDirectory, "jwt-keys.json"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _configureServices = configureServices;
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            _configureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a background thread; the OS temp cleaner removes it later.
            }
        }
    }
}
