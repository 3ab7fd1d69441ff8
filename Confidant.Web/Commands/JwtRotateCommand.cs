using System.Globalization;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Jwt;
using Confidant.Services.Kms;
using Confidant.Web.Auth.Origins;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>jwt rotate --environment NAME</c>: a new generated signing key signs from now on; the previous one stays in the
/// JWKS until every token it signed has expired (<see cref="JwtOptions.DrainPeriod"/>), then leaves it. Running
/// servers that share the key file pick the new key up within <c>Jwt:KeyRefreshSeconds</c>.
/// </summary>
public static class JwtRotateCommand
{
    public const string Usage = "usage: jwt rotate --environment NAME";

    public static CommandVerb Verb { get; } = new(
        ["jwt", "rotate"],
        Usage,
        "Rotates the generated JWT signing key of an environment; the previous key stays published until its tokens expire.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Skip(2).Where(a => !CommandLine.IsSetting(a)).ToList() is not ["--environment", var environment] || string.IsNullOrWhiteSpace(environment))
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        var ring = services.GetRequiredService<JwtKeyRing>();
        if (!ring.IsGenerated(environment))
        {
            await error.WriteLineAsync(ring.IsConfigured(environment)
                ? $"The keys of '{environment}' come from Jwt:CertificateAuthorities (JWT_CERTIFICATE_AUTHORITIES): rotate them there. "
                    + "Add the new key, point Jwt:ActiveSigningKeys at its kid, and remove the old key once the tokens it signed have expired."
                : $"No environment '{environment}' has generated keys (Jwt:Environments: {string.Join(", ", ring.Environments.Where(ring.IsGenerated))}).");
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        JwtRotation rotation;
        try
        {
            rotation = await ring.RotateAsync(environment);
        }
        catch (KeyServiceException failure)
        {
            await error.WriteLineAsync($"The key service refused the new key: {failure.Message}");
            return 1;
        }

        // An admin act like any other: on record, with the operating-system user who ran it. The host is not started,
        // so the audit store is readied here as the server readies it.
        await services.GetRequiredService<IAuditStore>().InitializeAsync();
        await services.GetRequiredService<AuditRecorder>().SucceededAsync(
            AuditEntry.For(CallerOrigins.ForCommand(Verb.Name), AuditActions.Admin, AclResources.Jwt, environment) with
            {
                Detail = $"jwt rotate: signing kid {rotation.Kid}",
            });
        await output.WriteLineAsync($"environment: {rotation.Environment}");
        await output.WriteLineAsync($"signing kid: {rotation.Kid}");
        if (rotation.PreviousKid is not null)
        {
            var until = rotation.PreviousRetireAt!.Value.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);
            await output.WriteLineAsync($"previous kid: {rotation.PreviousKid} (published until {until})");
        }

        var refresh = services.GetRequiredService<IOptions<JwtOptions>>().Value.KeyRefreshSeconds;
        await output.WriteLineAsync($"Running servers sign with the new key within {refresh} seconds.");
        return 0;
    }
}
