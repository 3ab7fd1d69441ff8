using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Confidant.Tests.Support;

/// <summary>
/// The real Program (its configuration sources, services and pipeline) on real Kestrel and the real clock, for
/// start-up behaviour (refusals, bindings) and browser tests. Arguments are given as on the command line
/// (<c>--Section:Key=value</c>); the SQLite file and key ring go to a fresh temp directory unless an argument says
/// otherwise.
/// </summary>
public sealed class ConfidantAppHost : WebApplicationFactory<Program>
{
    private readonly TempDirectory _data = new();
    private readonly string[] _args;
    private readonly Action<KestrelServerOptions>? _kestrel;

    private ConfidantAppHost(string[] args, Action<KestrelServerOptions>? kestrel)
    {
        _args = args;
        _kestrel = kestrel;
    }

    public static ConfidantAppHost Build(string[] args, Action<KestrelServerOptions>? kestrel = null) => new(args, kestrel);

    /// <summary>Starts Kestrel; a refused start comes back as the app's own exception.</summary>
    public Task StartAsync()
    {
        try
        {
            if (_kestrel is null)
            {
                UseKestrel();
            }
            else
            {
                UseKestrel(_kestrel);
            }

            StartServer();
            return Task.CompletedTask;
        }
        catch (Exception error)
        {
            return Task.FromException(error);
        }
    }

    public Task StopAsync() => DisposeAsync().AsTask();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Sqlite:Path", _data.File("confidant.db"));
        builder.UseSetting("Kms:LocalKeyRingPath", _data.File("keyring.json"));
        builder.UseSetting("Certificates:Local:Path", _data.File("local-ca.json"));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var arg in _args)
        {
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (!arg.StartsWith("--", StringComparison.Ordinal) || equals < 3)
            {
                throw new InvalidOperationException($"Arguments are --Key=value settings, not '{arg}'.");
            }

            builder.UseSetting(arg[2..equals], arg[(equals + 1)..]);
        }
    }
}
