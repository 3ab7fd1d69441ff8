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
/// </summary>
public sealed class LegacyEnvironmentVariables(IDictionary variables) : ConfigurationProvider, IConfigurationSource
{
    /// <summary>spec §10.1 ACL_MODULE values that have a counterpart here, and the <c>Acl:Policy</c> each becomes.</summary>
    private static readonly Dictionary<string, string> AclModules = new(StringComparer.Ordinal)
    {
        ["confidant.authnz.rbac:default_acl"] = "Default",
        ["confidant.authnz.rbac:no_acl"] = "AllowAll",
    };

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public override void Load()
    {
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
        MapJwt();
    }

    /// <summary>
    /// spec §10.9. Keys configured the original's way replace the generated ones, so a moved deployment serves exactly
    /// its own environments. The original read JWT_CERTIFICATE_AUTHORITIES from the secrets bootstrap unless
    /// JWT_IS_CA_ENCRYPTED was false; here it is taken from the environment either way (docs/decisions/0005).
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
        if (variables[name] is string value)
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
}
