using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.KmsAuth;

public static class KmsAuthServiceCollectionExtensions
{
    /// <summary>kmsauth token validation and minting (spec §2.3-2.4).</summary>
    public static IHostApplicationBuilder AddConfidantKmsAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KmsAuthOptions>().BindConfiguration(KmsAuthOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KmsAuthOptions>, KmsAuthOptionsValidator>();
        builder.Services.AddSingleton<KmsTokenValidator>();
        builder.Services.AddSingleton<KmsTokenGenerator>();
        return builder;
    }
}
