using Confidant.Services.Authorization;
using Confidant.Services.Iam;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.Storage;
using Confidant.Web.Auth;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Configuration;

/// <summary>
/// One line at start naming what the configuration selected: where items are stored, which key service protects
/// them, where roles come from, the sign-in mode and the ACL policy. A deployment running on defaults it did not
/// mean to use shows it in its first lines of log. Only names, paths and endpoints: nothing secret.
/// </summary>
internal sealed partial class StartupSummary(
    IOptions<StorageOptions> storage,
    IOptions<KmsOptions> kms,
    IOptions<IamOptions> iam,
    IOptions<KmsAuthOptions> kmsAuth,
    IOptions<AclOptions> acl,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<StartupSummary> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var storageInUse = Storage(storage.Value);
        var keyService = KeyService(kms.Value);
        var roles = Roles(iam.Value, kmsAuth.Value);
        var signIn = AuthOptions.EffectiveMode(configuration["Auth:Mode"], environment) ?? "not set";
        LogConfiguration(logger, environment.EnvironmentName, storageInUse, keyService, roles, signIn, acl.Value.Policy);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Confidant starting ({Environment}): storage {Storage}; key service {KeyService}; roles {Roles}; sign-in mode {SignIn}; ACL {Acl}")]
    private static partial void LogConfiguration(
        ILogger logger, string environment, string storage, string keyService, string roles, string signIn, AclPolicyKind acl);

    private string Storage(StorageOptions options) => options.Provider switch
    {
        StorageProvider.DynamoDb => $"DynamoDb (table {options.DynamoDb.Table}, archive table {options.DynamoDb.ArchiveTable ?? "none"}, "
            + $"region {options.DynamoDb.Region}{Endpoint(options.DynamoDb.ServiceUrl)})",
        _ => $"Sqlite (file {Path.GetFullPath(options.Sqlite.Path, environment.ContentRootPath)})",
    };

    private string KeyService(KmsOptions options) => options.ProviderKind switch
    {
        KmsProvider.Aws => $"Aws (master key {options.MasterKeyId}, region {options.Region}{Endpoint(options.ServiceUrl)})",
        _ => $"Local (master key {options.MasterKeyId}, key ring {Path.GetFullPath(options.LocalKeyRingPath, environment.ContentRootPath)})",
    };

    private static string Roles(IamOptions options, KmsAuthOptions auth) =>
        $"{options.Provider}{(options.Provider == IamOptions.AwsProvider ? Endpoint(options.ServiceUrl) : string.Empty)}, "
        + $"kmsauth grants {(auth.ManageGrants ? "managed" : "not managed")}";

    // Scheme, host, port and path only: user info in a URL would be a secret.
    private static string Endpoint(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? $", endpoint {uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)}"
            : string.Empty;
}
