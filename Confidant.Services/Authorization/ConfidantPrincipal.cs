namespace Confidant.Services.Authorization;

/// <summary>Who is calling (spec §2.8): a person (user) or a workload (service).</summary>
public sealed record ConfidantPrincipal(string Name, string UserType, string? Email = null, string? Account = null)
{
    public const string User = "user";
    public const string Service = "service";

    public bool IsService => string.Equals(UserType, Service, StringComparison.Ordinal);

    public static ConfidantPrincipal ForUser(string name, string? email = null) => new(name, User, email ?? name);

    public static ConfidantPrincipal ForService(string name, string? account = null) => new(name, Service, null, account);
}
