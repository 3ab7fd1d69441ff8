using System.Collections;

namespace Confidant.Services.Configuration;

/// <summary>
/// Which of the original's settings the secrets bootstrap supplies, and how they meet the environment (spec §7.4): the
/// secrets the original registered with its bootstrap are taken from it when it has them, else from the environment;
/// <c>JWT_CERTIFICATE_AUTHORITIES</c> and <c>CUSTOM_CERTIFICATE_AUTHORITIES</c> come from the bootstrap alone unless
/// <c>JWT_IS_CA_ENCRYPTED</c> / <c>CUSTOM_CA_ENCRYPTED</c> is false, and then from the environment alone. Other names
/// in a bootstrap are not read, as in the original.
/// </summary>
public static class BootstrappedSettings
{
    /// <summary>The settings the original read through its bootstrap, the bootstrap's value winning.</summary>
    public static IReadOnlyList<string> Secrets { get; } =
    [
        "SAML_SP_KEY_FILE_PASSWORD", "SAML_SP_KEY", "GOOGLE_OAUTH_CLIENT_ID", "GOOGLE_OAUTH_CONSUMER_SECRET", "AUTHOMATIC_SALT",
        "SESSION_SECRET", "GRAPHITE_USERNAME", "GRAPHITE_PASSWORD", "WEBHOOK_USERNAME", "WEBHOOK_PASSWORD",
    ];

    /// <summary>The settings read from the bootstrap instead of the environment while their switch is true (its default).</summary>
    private static readonly (string Setting, string Switch)[] Encrypted =
    [
        ("JWT_CERTIFICATE_AUTHORITIES", "JWT_IS_CA_ENCRYPTED"),
        ("CUSTOM_CERTIFICATE_AUTHORITIES", "CUSTOM_CA_ENCRYPTED"),
    ];

    /// <summary>
    /// The variables the original's names are read from: <paramref name="environment"/> with the bootstrap's
    /// <paramref name="secrets"/> applied. An encrypted setting found in the environment stops the start: the
    /// original would silently not read it, and a deployment would lose its keys without a word.
    /// </summary>
    public static Hashtable Apply(IDictionary environment, IReadOnlyDictionary<string, string> secrets)
    {
        var settings = new Hashtable(environment.Count);
        foreach (DictionaryEntry entry in environment)
        {
            settings[entry.Key] = entry.Value;
        }

        foreach (var name in Secrets)
        {
            if (secrets.TryGetValue(name, out var value))
            {
                settings[name] = value;
            }
        }

        foreach (var (setting, encryptedSwitch) in Encrypted)
        {
            if (environment[encryptedSwitch] is string flag && !SettingValueParser.Boolean(flag))
            {
                continue;
            }

            if (environment[setting] is string { Length: > 0 })
            {
                throw new InvalidOperationException(
                    $"{setting} is set in the environment, but {encryptedSwitch} is true (its default), so it is read from "
                    + $"{SecretsBootstrap.SettingName} only: put it in the secrets bootstrap, or set {encryptedSwitch}=false.");
            }

            settings[setting] = secrets.GetValueOrDefault(setting);
        }

        return settings;
    }
}
