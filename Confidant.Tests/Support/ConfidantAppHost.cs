using Confidant.Services;
using Confidant.Web;
using Confidant.Web.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;

namespace Confidant.Tests.Support;

/// <summary>
/// Builds the app exactly as Program.cs does, on real Kestrel, for start-up behaviour (refusals, bindings).
/// WebApplicationFactory reports a failed start unreliably (sometimes as ObjectDisposedException), hence this.
/// </summary>
public static class ConfidantAppHost
{
    public static WebApplication Build(string[] args, Action<KestrelServerOptions>? kestrel = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("confidant-host-").FullName;
        string[] all =
        [
            $"--Storage:Sqlite:Path={Path.Combine(dataDirectory, "confidant.db")}",
            $"--Kms:LocalKeyRingPath={Path.Combine(dataDirectory, "keyring.json")}",
            "--Logging:LogLevel:Default=Warning",
            .. args,
        ];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = all,
            ApplicationName = typeof(WebApplicationExtensions).Assembly.GetName().Name,
            EnvironmentName = Environments.Development,
        });
        if (kestrel is not null)
        {
            builder.WebHost.ConfigureKestrel(kestrel);
        }

        builder.AddRootAppSettings();
        builder.AddConfidantServices();
        builder.AddConfidantWeb();
        var app = builder.Build();
        app.UseConfidantPipeline();
        app.MapConfidantEndpoints();
        return app;
    }
}
