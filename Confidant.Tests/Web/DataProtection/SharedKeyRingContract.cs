using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Web.DataProtection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Web.DataProtection;

/// <summary>
/// The Data Protection key ring kept in the store, on every backend: instances are separate hosts, each with its own
/// store client and key service over the same storage and key ring file, as separate processes are.
/// </summary>
public abstract class SharedKeyRingContract : IAsyncLifetime
{
    /// <summary>This test's files: the key ring, and the SQLite database.</summary>
    protected string DataDirectory { get; } = Directory.CreateTempSubdirectory("confidant-dp-").FullName;
    private readonly List<IHost> _hosts = [];

    /// <summary>A new client of the one storage every instance of a test shares.</summary>
    protected abstract Task<IConfidantStore> OpenStoreAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }

    [Fact]
    public async Task Protect_OnOneInstance_IsUnprotectedByAnotherAsync()
    {
        var first = await StartInstanceAsync();
        var second = await StartInstanceAsync();

        var protectedText = Protector(first).Protect("a session");

        Assert.Equal("a session", Protector(second).Unprotect(protectedText));
        Assert.Equal(RingOf(first).DefaultKeyId, RingOf(second).DefaultKeyId);
    }

    [Fact]
    public async Task StoredKey_IsWrappedByTheKeyServiceAsync()
    {
        var instance = await StartInstanceAsync();
        Protector(instance).Protect("a session");

        var stored = await StoredElementsAsync();

        var item = Assert.Single(stored);
        Assert.Contains(KeyServiceXmlEncryptor.ElementName, item.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("masterKey", item.Body, StringComparison.Ordinal);

        // The key material itself, unwrapped with the key service, occurs nowhere in what was stored.
        var xml = XElement.Parse(System.Text.Json.JsonDocument.Parse(item.Body).RootElement.GetProperty("xml").GetString()!);
        var wrapped = xml.Descendants(KeyServiceXmlEncryptor.ElementName).Single().Element("value")!.Value;
        var unwrapped = await KeyService().DecryptAsync(Convert.FromBase64String(wrapped), KeyServiceXmlEncryptor.Context);
        var masterKey = XElement.Parse(Encoding.UTF8.GetString(unwrapped.Plaintext));
        Assert.Equal("masterKey", masterKey.Name.LocalName);
        var material = masterKey.Element("value")!.Value;
        Assert.True(material.Length >= 32, material.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(material, item.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstanceWithAnotherKeyRing_CannotUnprotectAsync()
    {
        var first = await StartInstanceAsync();
        var protectedText = Protector(first).Protect("a session");
        var stranger = await StartInstanceAsync(ringFile: "other-keyring.json");

        Assert.ThrowsAny<CryptographicException>(() => Protector(stranger).Unprotect(protectedText));
    }

    [Fact]
    public async Task Repository_RoundTripsElementsUnderOneNameAndSkipsOtherJobsAsync()
    {
        var store = await OpenStoreAsync();
        var repository = new StoreXmlRepository(store, TimeProvider.System);
        var first = new XElement("revocation", new XAttribute("version", 1), new XElement("reason", "first"));
        var second = new XElement("revocation", new XAttribute("version", 1), new XElement("reason", "second"));
        await store.SaveJobAsync(new JobItem
        {
            Id = RekeyJobStore.ItemId,
            DataType = DataType.Job,
            Revision = 1,
            Enabled = true,
            ModifiedDate = ConfidantDates.TruncateToMicroseconds(TimeProvider.System.GetUtcNow()),
            ModifiedBy = "test",
            Body = "{}",
        });

        repository.StoreElement(first, "revocation-20260115T120000Z");
        repository.StoreElement(second, "revocation-20260115T120000Z");

        var read = new StoreXmlRepository(await OpenStoreAsync(), TimeProvider.System).GetAllElements();
        Assert.Equal(2, read.Count);
        Assert.Contains(read, element => XNode.DeepEquals(element, first));
        Assert.Contains(read, element => XNode.DeepEquals(element, second));
    }

    [Fact]
    public async Task KeyCreatedOnOneInstance_BecomesTheDefaultOnAnotherWithinTheRefreshAsync()
    {
        var first = await StartInstanceAsync(refreshSeconds: 1);
        var second = await StartInstanceAsync(refreshSeconds: 1);
        Protector(first).Protect("load the ring");
        var before = RingOf(second).DefaultKeyId;

        // Activation within Data Protection's clock-skew allowance, and later than the first key's: the new default.
        var now = TimeProvider.System.GetUtcNow();
        var created = first.Services.GetRequiredService<IKeyManager>().CreateNewKey(now.AddMinutes(1), now.AddDays(90));

        Assert.NotEqual(created.KeyId, before);
        await Eventually.HoldsAsync(
            () => Task.FromResult(RingOf(second).DefaultKeyId == created.KeyId),
            TimeSpan.FromSeconds(10),
            "the other instance using the new key");
        var protectedText = Protector(second).Protect("a session");
        Assert.Equal("a session", Protector(first).Unprotect(protectedText));
    }

    private async Task<IHost> StartInstanceAsync(int refreshSeconds = 60, string ringFile = "keyring.json")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["DataProtection:KeyRingRefreshSeconds"] = refreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Services.AddLogging();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(await OpenStoreAsync());
        builder.Services.AddSingleton<IKeyService>(KeyService(ringFile));
        builder.Services.AddSingleton(Options.Create(new KmsOptions { MasterKeyId = "alias/at-rest" }));
        builder.AddConfidantDataProtection();
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    private LocalKeyService KeyService(string ringFile = "keyring.json") =>
        new(Path.Combine(DataDirectory, ringFile), ["alias/at-rest"], TimeProvider.System, NullLogger<LocalKeyService>.Instance);

    private static IDataProtector Protector(IHost host) =>
        host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");

    private static IKeyRing RingOf(IHost host) => host.Services.GetRequiredService<IKeyRingProvider>().GetCurrentKeyRing();

    private async Task<IReadOnlyList<JobItem>> StoredElementsAsync()
    {
        var page = await (await OpenStoreAsync()).QueryAsync(DataType.Job, PageRequest.All);
        return [.. page.Items.OfType<JobItem>().Where(item => item.Id.StartsWith(StoreXmlRepository.IdPrefix, StringComparison.Ordinal))];
    }
}
