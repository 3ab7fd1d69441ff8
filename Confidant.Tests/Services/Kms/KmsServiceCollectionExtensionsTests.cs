using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Kms;

public sealed class KmsServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AddConfidantKms_Defaults_UsesLocalRingUnderContentRootAsync()
    {
        using var host = Build();

        await host.StartAsync();
        var cipher = host.Services.GetRequiredService<CredentialCipher>();
        var pairs = CredentialPairs.FromStrings([new("k", "v")]);
        var encrypted = await cipher.EncryptAsync("abc", pairs);

        Assert.IsType<LocalKeyService>(host.Services.GetRequiredService<IKeyService>());
        Assert.IsType<LocalKmsGrantManager>(host.Services.GetRequiredService<IKmsGrantManager>());
        Assert.True(File.Exists(_directory.File("App_Data/confidant.keyring.json")));
        Assert.False(string.IsNullOrEmpty(encrypted.DataKey));
        await host.StopAsync();
    }

    [Fact]
    public void AddConfidantKms_AwsProvider_RegistersAwsAdapters()
    {
        using var host = Build(("Kms:Provider", "Aws"), ("Kms:ServiceUrl", "http://127.0.0.1:1"));

        Assert.IsType<AwsKmsKeyService>(host.Services.GetRequiredService<IKeyService>());
        Assert.IsType<AwsKmsGrantManager>(host.Services.GetRequiredService<IKmsGrantManager>());
    }

    [Fact]
    public async Task AddConfidantKms_UnknownProvider_FailsAtStartWithNamedKeyAsync()
    {
        using var host = Build(("Kms:Provider", "Foo"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Kms:Provider must be one of Local, Aws (was 'Foo').", error.Failures);
    }

    private IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = _directory.Path,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddLogging();
        builder.AddConfidantKms();
        return builder.Build();
    }
}
