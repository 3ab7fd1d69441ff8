using Confidant.Services.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Confidant.Web.Configuration;

public static class ConfidantConfiguration
{
    /// <summary>
    /// Configuration as an operator reads it, lowest precedence first: the root appsettings.json,
    /// appsettings.{Environment}.json, the AWS SDKs' environment names, Confidant's own environment names, our
    /// <c>Section__Key</c> environment variables, the command line. So <c>DYNAMODB_TABLE</c> or
    /// <c>KMS_MASTER_KEY</c> override the shipped defaults, and <c>Storage__Provider</c> still overrides them.
    /// Confidant's names include what the secrets bootstrap (<c>SECRETS_BOOTSTRAP</c>) supplies, decrypted here with
    /// the key service that configuration selects. Also logs, once at start, what that configuration selected.
    /// </summary>
    public static async Task<WebApplicationBuilder> AddConfidantConfigurationAsync(this WebApplicationBuilder builder)
    {
        builder.AddRootAppSettings();
        var variables = Environment.GetEnvironmentVariables();
        var sources = builder.Configuration.Sources;
        var index = IndexOfOwnEnvironmentVariables(sources);
        sources.Insert(index, new LegacyEnvironmentVariables(variables));
        sources.Insert(index, new AwsEnvironmentVariables(variables));
        var secrets = await SecretsBootstrapStartup.ReadAsync(variables, builder.Configuration, builder.Environment);
        if (secrets.Count > 0)
        {
            // Replacing the source reloads the configuration with the bootstrap's values in place (spec §7.4).
            sources[index + 1] = new LegacyEnvironmentVariables(variables, secrets);
        }

        builder.Services.AddHostedService<StartupSummary>();
        return builder;
    }

    /// <summary>
    /// The unprefixed environment-variables source. The first one in the list is the ASPNETCORE_/DOTNET_-prefixed
    /// host source, which sits below the appsettings files: inserting there would let appsettings.json win
    /// (STYLE.md §4 "Configuration source order").
    /// </summary>
    private static int IndexOfOwnEnvironmentVariables(IList<IConfigurationSource> sources)
    {
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                return i;
            }
        }

        // A host without one (not WebApplication.CreateBuilder): above everything there is.
        return sources.Count;
    }
}
