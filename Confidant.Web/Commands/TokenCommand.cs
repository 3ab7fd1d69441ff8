using System.Globalization;
using Confidant.Services.KmsAuth;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>token --from NAME [--user-type service|user] [--lifetime MINUTES] [--token-version 1|2]</c>: mints a kmsauth token
/// with the configured key service, so a developer can call the API as a service on the embedded defaults.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";

    private const string Usage = "usage: token --from NAME [--user-type service|user] [--lifetime MINUTES] [--token-version 1|2]";

    public static CommandVerb Verb { get; } = new(
        [Name],
        Usage,
        "Mints a kmsauth token with the configured key service, to call the API as a service (or person) locally.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = ParseOptions(args);
        if (options is null || !options.TryGetValue("--from", out var from) || string.IsNullOrWhiteSpace(from))
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        var settings = services.GetRequiredService<IOptions<KmsAuthOptions>>().Value;
        var userType = options.GetValueOrDefault("--user-type", "service");
        var key = userType == "user" ? settings.UserAuthKey : settings.AuthKey;
        if (string.IsNullOrEmpty(key) || userType is not ("service" or "user"))
        {
            await error.WriteLineAsync($"No auth key is configured for user type '{userType}' (KmsAuth:AuthKey / KmsAuth:UserAuthKey).");
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        if (!int.TryParse(options.GetValueOrDefault("--lifetime", "10"), NumberStyles.None, CultureInfo.InvariantCulture, out var lifetime)
            || !int.TryParse(options.GetValueOrDefault("--token-version", "2"), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || lifetime is < 4 or > 60 || version is < 1 or > 2)
        {
            await error.WriteLineAsync("--lifetime must be 4 to 60 minutes and --token-version 1 or 2.");
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        var generator = services.GetRequiredService<KmsTokenGenerator>();
        var token = await generator.GenerateAsync(key, from, settings.AuthContext, userType, version, lifetime);
        await output.WriteLineAsync($"username: {token.Username}");
        await output.WriteLineAsync($"token: {token.Token}");
        await output.WriteLineAsync($"valid until: {token.NotAfter.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}");
        await output.WriteLineAsync($"example: curl -u '{token.Username}:{token.Token}' http://localhost:5000/v1/services/{Uri.EscapeDataString(from)}");
        return 0;
    }

    private static Dictionary<string, string>? ParseOptions(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            if (CommandLine.IsSetting(args[i]))
            {
                // A setting for the host (--Key=value), read by the configuration, not by this verb.
                i--;
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                return null;
            }

            options[args[i]] = args[i + 1];
        }

        return options;
    }
}
