using Amazon.Runtime.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Iam;

public static class IamServiceCollectionExtensions
{
    /// <summary>The role directory: roles from configuration (default) or from AWS IAM.</summary>
    public static IHostApplicationBuilder AddConfidantIam(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IamOptions>().BindConfiguration(IamOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IamOptions>, IamOptionsValidator>();
        var provider = builder.Configuration.GetSection(IamOptions.SectionName)[nameof(IamOptions.Provider)] ?? "Configured";
        if (string.Equals(provider, "Aws", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.TryAddSingleton<IRoleDirectory>(sp => new AwsIamRoleDirectory(
                new HttpClient { Timeout = TimeSpan.FromSeconds(10) },
                DefaultAWSCredentialsIdentityResolver.GetCredentials(),
                sp.GetRequiredService<IOptions<IamOptions>>(),
                sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            builder.Services.TryAddSingleton<IRoleDirectory, ConfiguredRoleDirectory>();
        }

        return builder;
    }
}

internal sealed class IamOptionsValidator : IValidateOptions<IamOptions>
{
    public ValidateOptionsResult Validate(string? name, IamOptions options)
    {
        var failures = new List<string>();
        if (options.Provider is not ("Configured" or "Aws"))
        {
            failures.Add($"{IamOptions.SectionName}:Provider must be one of Configured, Aws (was '{options.Provider}').");
        }

        if (options.RoleCacheSeconds < 60)
        {
            failures.Add($"{IamOptions.SectionName}:RoleCacheSeconds must be at least 60 (was {options.RoleCacheSeconds}).");
        }

        if (options.ServiceUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            failures.Add($"{IamOptions.SectionName}:ServiceUrl must be an absolute URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
