using Confidant.Services.Kms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Jwt;

public static class JwtServiceCollectionExtensions
{
    /// <summary>JWT issuance and the JWKS (spec §4.8): <see cref="JwtOptions"/>, the key ring and the issuer.</summary>
    public static IHostApplicationBuilder AddConfidantJwt(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<JwtOptions>>().Value;
            return new JwtKeyRing(
                options,
                string.IsNullOrWhiteSpace(options.KeyFile)
                    ? string.Empty
                    : Path.GetFullPath(options.KeyFile, sp.GetRequiredService<IHostEnvironment>().ContentRootPath),
                sp.GetRequiredService<IKeyService>(),
                sp.GetRequiredService<IOptions<KmsOptions>>().Value.MasterKeyId,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<JwtKeyRing>>());
        });
        services.AddSingleton<JwtIssuer>();
        return builder;
    }
}
