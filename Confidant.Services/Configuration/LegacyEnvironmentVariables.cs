using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Confidant.Services.Configuration;

/// <summary>
/// Reads the original Confidant's environment variables (spec §10: <c>DYNAMODB_TABLE</c>, <c>KMS_MASTER_KEY</c>,
/// <c>AUTH_KEY</c>, …) and maps them onto our configuration keys, so an existing deployment moves over without
/// renaming anything. This is the only place that knows the old names. The host puts this source above the
/// appsettings files and just below our own <c>Section__Key</c> environment variables
/// (<c>Confidant.Web/Configuration/ConfidantConfiguration.cs</c>): <c>Storage__Provider</c> and friends still win.
/// The settings the original took from its secrets bootstrap are read through <see cref="BootstrappedSettings"/>, with
/// the decrypted <paramref name="bootstrap"/> when there is one (spec §7.4).
/// </summary>
public sealed class LegacyEnvironmentVariables(IDictionary environment, IReadOnlyDictionary<string, string>? bootstrap = null)
    : ConfigurationProvider, IConfigurationSource
{
    private Hashtable _variables = [];

    /// <summary>spec §10.1 ACL_MODULE values that have a counterpart here, and the <c>Acl:Policy</c> each becomes.</summary>
    private static readonly Dictionary<string, string> AclModules = new(StringComparer.Ordinal)
    {
        ["confidant.authnz.rbac:default_acl"] = "Default",
        ["confidant.authnz.rbac:no_acl"] = "AllowAll",
    };

    /// <summary>Per-CA text settings of spec §10.8 (<c>&lt;name&gt;_&lt;CA&gt;</c>) and the option each sets.</summary>
    private static readonly (string Setting, string Option)[] AcmPcaTextSettings =
    [
        ("ACM_PRIVATE_CA_ARN", "Arn"),
        ("ACM_PRIVATE_CA_SIGNING_ALGORITHM", "SigningAlgorithm"),
        ("ACM_PRIVATE_CA_TEMPLATE_ARN", "TemplateArn"),
        ("ACM_PRIVATE_CA_CSR_COUNTRY_NAME", "CsrCountryName"),
        ("ACM_PRIVATE_CA_CSR_STATE_OR_PROVINCE_NAME", "CsrStateOrProvinceName"),
        ("ACM_PRIVATE_CA_CSR_LOCALITY_NAME", "CsrLocalityName"),
        ("ACM_PRIVATE_CA_CSR_ORGANIZATION_NAME", "CsrOrganizationName"),
        ("ACM_PRIVATE_CA_DOMAIN_REGEX", "DomainRegex"),
    ];

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public override void Load()
    {
        _variables = BootstrappedSettings.Apply(environment, bootstrap ?? new Dictionary<string, string>());
        Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Map("DYNAMODB_TABLE", v => { Put("Storage:DynamoDb:Table", v); Put("Storage:Provider", "DynamoDb"); });
        Map("DYNAMODB_TABLE_ARCHIVE", v => Put("Storage:DynamoDb:ArchiveTable", v));
        Map("DYNAMODB_URL", v => Put("Storage:DynamoDb:ServiceUrl", v));
        Map("DYNAMODB_CREATE_TABLE", v => SetBool("Storage:DynamoDb:CreateTable", v));
        Map("KMS_MASTER_KEY", v => { Put("Kms:MasterKeyId", v); Put("Kms:Provider", "Aws"); });
        Map("KMS_URL", v => Put("Kms:ServiceUrl", v));
        Map("AUTH_CONTEXT", v => Put("KmsAuth:AuthContext", v));
        Map("AUTH_KEY", v => Put("KmsAuth:AuthKey", v));
        Map("USER_AUTH_KEY", v => Put("KmsAuth:UserAuthKey", v));
        Map("SCOPED_AUTH_KEYS", SetScopedAuthKeys);
        Map("AUTH_TOKEN_MAX_LIFETIME", v => SetInt("AUTH_TOKEN_MAX_LIFETIME", "KmsAuth:TokenMaxLifetimeMinutes", v));
        Map("KMS_MINIMUM_TOKEN_VERSION", v => SetInt("KMS_MINIMUM_TOKEN_VERSION", "KmsAuth:MinimumTokenVersion", v));
        Map("KMS_MAXIMUM_TOKEN_VERSION", v => SetInt("KMS_MAXIMUM_TOKEN_VERSION", "KmsAuth:MaximumTokenVersion", v));
        Map("KMS_AUTH_USER_TYPES", v => SetList("KmsAuth:UserTypes", SettingValueParser.List(v)));
        Map("KMS_AUTH_TOKEN_CACHE_SIZE", v => SetInt("KMS_AUTH_TOKEN_CACHE_SIZE", "KmsAuth:TokenCacheSize", v));
        Map("KMS_AUTH_MANAGE_GRANTS", v => SetBool("KmsAuth:ManageGrants", v));
        Map("ENFORCE_DOCUMENTATION", v => SetBool("Credentials:EnforceDocumentation", v));
        Map("IGNORE_CONFLICTS", v => SetBool("Credentials:IgnoreConflicts", v));
        MapSignIn();
        Map("MAXIMUM_ROTATION_DAYS", v => SetInt("MAXIMUM_ROTATION_DAYS", "Credentials:MaximumRotationDays", v));
        Map("TAGS_EXCLUDING_ROTATION", v => SetList(
            "Credentials:TagsExcludingRotation",
            SettingValueParser.Json("TAGS_EXCLUDING_ROTATION", v, JsonValueKind.Array).EnumerateArray().Select(e => e.ToString()).ToArray()));
        Map("ROTATION_DAYS_CONFIG", v => SetObject("ROTATION_DAYS_CONFIG", "Credentials:RotationDaysConfig", v));
        Map("HISTORY_PAGE_LIMIT", v =>
        {
            var limit = SettingValueParser.WholeNumber("HISTORY_PAGE_LIMIT", v);
            Put("Api:HistoryPageLimit", limit > 0 ? limit.ToString(CultureInfo.InvariantCulture) : null);
        });
        Map("MAINTENANCE_MODE", v => SetBool("Api:MaintenanceMode", v));
        Map("MAINTENANCE_MODE_TOUCH_FILE", v => Put("Api:MaintenanceModeTouchFile", v));
        Map("XSRF_COOKIE_NAME", v => Put("Api:XsrfCookieName", v));

        // Kept as JSON text: flattened into configuration keys, numbers, booleans and null would come back as strings.
        Map("CLIENT_CONFIG", v => Put("Api:ClientConfig", SettingValueParser.Json("CLIENT_CONFIG", v, JsonValueKind.Object).GetRawText()));
        Map("ACL_MODULE", v => Put("Acl:Policy", AclModules.TryGetValue(v, out var policy)
            ? policy
            : throw new InvalidOperationException(
                "ACL_MODULE must be confidant.authnz.rbac:default_acl or confidant.authnz.rbac:no_acl; other ACL modules have no counterpart (see Acl:Policy).")));
        MapCertificateAuthorities();
        MapJwt();
        MapWebhook();
    }

    /// <summary>
    /// spec §9.8, §10.5: WEBHOOK_URL becomes the webhook endpoint named <c>original</c>, sending the original's
    /// payload unsigned, with WEBHOOK_USERNAME / WEBHOOK_PASSWORD as its Basic auth.
    /// </summary>
    private void MapWebhook()
    {
        Map("WEBHOOK_URL", url =>
        {
            if (url.Length == 0)
            {
                return;
            }

            const string key = "Events:Webhooks:" + Events.EventsOptions.OriginalWebhookName;
            Put($"{key}:Url", url);
            Put($"{key}:Format", nameof(Events.WebhookFormat.Original));
            Map("WEBHOOK_USERNAME", v => Put($"{key}:Username", v));
            Map("WEBHOOK_PASSWORD", v => Put($"{key}:Password", v));
        });
    }

    /// <summary>
    /// spec §10.8: <c>CA_TYPE</c>, the ACM CAs listed in <c>ACM_PRIVATE_CAS</c> with their per-CA
    /// <c>ACM_PRIVATE_CA_*_&lt;NAME&gt;</c> settings (the name upper-cased), and the <c>CUSTOM_CA_*</c> settings.
    /// </summary>
    private void MapCertificateAuthorities()
    {
        Map("CA_TYPE", v => Put("Certificates:Provider", v switch
        {
            "aws_acm_pca" => "AcmPca",
            "custom_ca" => "Custom",
            _ => throw new InvalidOperationException("CA_TYPE must be aws_acm_pca or custom_ca."),
        }));
        Map("ACM_PRIVATE_CAS", names =>
        {
            // Trimmed, empty entries skipped, as the original read it.
            var cas = names.Split(',').Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
            if (cas.Count > 0 && _variables["CA_TYPE"] is null)
            {
                Put("Certificates:Provider", "AcmPca");
            }

            for (var i = 0; i < cas.Count; i++)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"Certificates:AcmPca:Authorities:{i}");
                var suffix = "_" + cas[i].ToUpperInvariant();
                Put($"{key}:Name", cas[i]);
                foreach (var (setting, option) in AcmPcaTextSettings)
                {
                    Map(setting + suffix, v => Put($"{key}:{option}", v));
                }

                Map("ACM_PRIVATE_CA_MAX_VALIDITY_DAYS" + suffix, v => SetInt("ACM_PRIVATE_CA_MAX_VALIDITY_DAYS" + suffix, $"{key}:MaxValidityDays", v));
                Map("ACM_PRIVATE_CA_KEY_SIZE" + suffix, v => SetInt("ACM_PRIVATE_CA_KEY_SIZE" + suffix, $"{key}:KeySize", v));
                Map("ACM_PRIVATE_CA_KEY_PUBLIC_EXPONENT_SIZE" + suffix, v => SetInt("ACM_PRIVATE_CA_KEY_PUBLIC_EXPONENT_SIZE" + suffix, $"{key}:KeyPublicExponent", v));
                Map("ACM_PRIVATE_CA_CERTIFICATE_CACHE_SIZE" + suffix, v => SetInt("ACM_PRIVATE_CA_CERTIFICATE_CACHE_SIZE" + suffix, $"{key}:CacheSize", v));
                Map("ACM_PRIVATE_CA_SELF_SIGN" + suffix, v => SetBool($"{key}:SelfSign", v));
                Map("ACM_PRIVATE_CA_CERTIFICATE_USE_CACHE" + suffix, v => SetBool($"{key}:UseCache", v));
            }
        });
        Map("CUSTOM_CERTIFICATE_AUTHORITIES", v => Put("Certificates:Custom:Authorities", v));
        Map("CUSTOM_CA_ACTIVE_KEYS", v => Put(
            "Certificates:Custom:ActiveKeys", SettingValueParser.Json("CUSTOM_CA_ACTIVE_KEYS", v, JsonValueKind.Object).GetRawText()));
        Map("CUSTOM_CA_MAX_VALIDITY_DAYS", v => SetInt("CUSTOM_CA_MAX_VALIDITY_DAYS", "Certificates:Custom:MaxValidityDays", v));
        Map("CUSTOM_CA_DOMAIN_REGEX", v => Put("Certificates:Custom:DomainRegex", v));
    }

    /// <summary>
    /// spec §10.9. Keys configured the original's way replace the generated ones, so a moved deployment serves exactly
    /// its own environments. JWT_CERTIFICATE_AUTHORITIES comes from the secrets bootstrap unless JWT_IS_CA_ENCRYPTED
    /// is false (<see cref="BootstrappedSettings"/>).
    /// </summary>
    private void MapJwt()
    {
        Map("JWT_CERTIFICATE_AUTHORITIES", v =>
        {
            if (v.Length > 0)
            {
                Put("Jwt:CertificateAuthorities", v);
                Put("Jwt:GenerateKeys", "false");
            }
        });
        Map("JWT_ACTIVE_SIGNING_KEYS", v => SetObject("JWT_ACTIVE_SIGNING_KEYS", "Jwt:ActiveSigningKeys", v));
        Map("JWT_DEFAULT_JWT_EXPIRATION_SECONDS", v => SetInt("JWT_DEFAULT_JWT_EXPIRATION_SECONDS", "Jwt:TokenLifetimeSeconds", v));
        Map("JWT_CACHING_ENABLED", v => SetBool("Jwt:Cache:Enabled", v));
        Map("JWT_CACHING_MAX_SIZE", v => SetInt("JWT_CACHING_MAX_SIZE", "Jwt:Cache:MaxSize", v));
        Map("JWT_CACHING_TTL_SECONDS", v => SetInt("JWT_CACHING_TTL_SECONDS", "Jwt:Cache:TtlSeconds", v));
    }

    private void Map(string name, Action<string> apply)
    {
        if (_variables[name] is string value)
        {
            apply(value);
        }
    }

    private void Put(string key, string? value) => Data[key] = value;

    private void SetBool(string key, string value) => Put(key, SettingValueParser.Boolean(value) ? "true" : "false");

    private void SetInt(string name, string key, string value) =>
        Put(key, SettingValueParser.WholeNumber(name, value).ToString(CultureInfo.InvariantCulture));

    private void SetList(string key, string[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            Put(string.Create(CultureInfo.InvariantCulture, $"{key}:{i}"), values[i]);
        }
    }

    /// <summary>
    /// SCOPED_AUTH_KEYS is a JSON object key → account, and its keys are often KMS ARNs, whose <c>:</c> is the
    /// configuration separator: so each pair becomes one list entry <c>{Key, Account}</c>, where the ARN is a value.
    /// </summary>
    private void SetScopedAuthKeys(string json)
    {
        var index = 0;
        foreach (var pair in SettingValueParser.Json("SCOPED_AUTH_KEYS", json, JsonValueKind.Object).EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidOperationException("SCOPED_AUTH_KEYS must map each key to an account name (a JSON string).");
            }

            Put(string.Create(CultureInfo.InvariantCulture, $"KmsAuth:ScopedAuthKeys:{index}:Key"), pair.Name);
            Put(string.Create(CultureInfo.InvariantCulture, $"KmsAuth:ScopedAuthKeys:{index}:Account"), pair.Value.GetString());
            index++;
        }
    }

    private void SetObject(string name, string key, string json)
    {
        var root = SettingValueParser.Json(name, json, JsonValueKind.Object);
        Flatten(key, root);
    }

    private void Flatten(string key, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    Flatten($"{key}:{property.Name}", property.Value);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Flatten(string.Create(CultureInfo.InvariantCulture, $"{key}:{index++}"), item);
                }

                break;
            case JsonValueKind.String:
                Put(key, value.GetString());
                break;
            case JsonValueKind.Null:
                Put(key, null);
                break;
            default:
                Put(key, value.GetRawText());
                break;
        }
    }

    /// <summary>
    /// spec §2.5, §10.2: the sign-in a deployment had. <c>google</c> (the original's default, so also a Google client
    /// id without USER_AUTH_MODULE) is OpenID Connect against Google; <c>header</c> is header sign-in. Both gave every
    /// admitted person full access, hence <c>Auth:Roles:Default</c> admin (narrowed with the new-style keys). Other
    /// values are passed on for the validator to refuse by name (<c>saml</c> with what to use instead).
    /// </summary>
    private void MapSignIn()
    {
        var module = _variables["USER_AUTH_MODULE"] as string ?? (_variables["GOOGLE_OAUTH_CLIENT_ID"] is string ? "google" : null);
        switch (module?.Trim().ToLowerInvariant())
        {
            case null:
                break;
            case "google":
                Put("Auth:Mode", "Oidc");
                Put("Auth:Oidc:Authority", "https://accounts.google.com");
                Map("GOOGLE_OAUTH_CLIENT_ID", v => Put("Auth:Oidc:ClientId", v));
                Map("GOOGLE_OAUTH_CONSUMER_SECRET", v => Put("Auth:Oidc:ClientSecret", v));

                // Google refuses the offline_access scope; its sessions are re-checked against the allow-list instead.
                SetList("Auth:Oidc:Scopes", ["profile", "email"]);
                Put("Auth:Roles:Default", "admin");
                break;
            case "header":
                Put("Auth:Mode", "Header");
                Map("HEADER_AUTH_USERNAME_HEADER", v => Put("Auth:Header:UserNameHeader", v));
                Map("HEADER_AUTH_EMAIL_HEADER", v => Put("Auth:Header:EmailHeader", v));
                Map("HEADER_AUTH_FIRST_NAME_HEADER", v => Put("Auth:Header:FirstNameHeader", v));
                Map("HEADER_AUTH_LAST_NAME_HEADER", v => Put("Auth:Header:LastNameHeader", v));
                Put("Auth:Roles:Default", "admin");
                break;
            default:
                Put("Auth:Mode", module!.Trim());
                break;
        }

        Map("GOOGLE_AUTH_EMAIL_SUFFIX", v => Put("Auth:AllowedEmailSuffix", v));
        Map("USER_EMAIL_SUFFIX", v => Put("Auth:AllowedEmailSuffix", v));
        Map("USERS_FILE", v => Put("Auth:AllowedUsersFile", v));
        Map("PERMANENT_SESSION_LIFETIME", v => SetPositive("PERMANENT_SESSION_LIFETIME", "Auth:Session:IdleTimeoutSeconds", v));
        Map("MAX_PERMANENT_SESSION_LIFETIME", v => SetPositive("MAX_PERMANENT_SESSION_LIFETIME", "Auth:Session:MaxLifetimeSeconds", v));
    }

    // spec §2.6: 0 switches the original's expiry off; here the defaults then stand.
    private void SetPositive(string name, string key, string value)
    {
        if (SettingValueParser.WholeNumber(name, value) > 0)
        {
            SetInt(name, key, value);
        }
    }
}
