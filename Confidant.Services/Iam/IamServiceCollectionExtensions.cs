using Amazon.Runtime.Credentials;
using Confidant.Services.Kms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Iam;

public static class IamServiceCollectionExtensions
{
    /// <summary>The role directory: roles from configuration or from AWS IAM (the default with AWS KMS).</summary>
    public static IHostApplicationBuilder AddConfidantIam(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration.GetSection(IamOptions.SectionName)[nameof(IamOptions.Provider)]
            ?? (builder.Configuration.GetSection(KmsOptions.SectionName).Get<KmsOptions>()?.ProviderKind == KmsProvider.Aws
                ? IamOptions.AwsProvider
                : IamOptions.ConfiguredProvider);
        builder.Services.AddOptions<IamOptions>().BindConfiguration(IamOptions.SectionName)
            .Configure(options => options.Provider = provider)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IamOptions>, IamOptionsValidator>();
        if (string.Equals(provider, IamOptions.AwsProvider, StringComparison.OrdinalIgnoreCase))
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
        if (options.Provider is not (IamOptions.ConfiguredProvider or IamOptions.AwsProvider))
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
