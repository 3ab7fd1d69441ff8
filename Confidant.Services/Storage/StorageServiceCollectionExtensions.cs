using Microsoft.Extensions.Hosting;

namespace Confidant.Services.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IConfidantStore"/> for the configured provider.</summary>
    public static IHostApplicationBuilder AddConfidantStorage(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
