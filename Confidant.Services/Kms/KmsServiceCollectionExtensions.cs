using Microsoft.Extensions.Hosting;

namespace Confidant.Services.Kms;

public static class KmsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IKeyService"/> and <see cref="IKmsGrantManager"/> for the configured provider.</summary>
    public static IHostApplicationBuilder AddConfidantKms(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
