using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.Events;

/// <summary>
/// The original's webhook occasions (spec §9.8) raised by the domain services and received by a real HTTP receiver:
/// signed payloads verified with an independent HMAC, the event filter, and that creates send nothing.
/// </summary>
public sealed class WebhookEventsTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private DomainHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Events:Webhooks:all:Url"] = _receiver.Url("all"),
            ["Events:Webhooks:all:Secret"] = WebhookReceiver.Secret,
            ["Events:Webhooks:services:Url"] = _receiver.Url("services"),
            ["Events:Webhooks:services:Secret"] = WebhookReceiver.Secret,
            ["Events:Webhooks:services:Events:0"] = "service_update",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task EveryOccasion_SendsItsEvent_SignedAndWithoutValues()
    {
        var credentials = _host.Get<CredentialService>();
        var blinds = _host.Get<BlindCredentialService>();
        var services = _host.Get<ServiceMappingService>();
        var credential = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("db", ("password", "hunter2")));
        var blind = await blinds.CreateAsync(DomainHost.Alice, TestData.BlindCredential("blind-db", "blind_key"));

        await services.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { Credentials = [credential.Item.Id] });
        await AssertNextAsync("service_update", ["billing"], [credential.Item.Id]);

        await credentials.UpdateAsync(DomainHost.Alice, credential.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("password", "swordfish")) });
        var update = await AssertNextAsync("credential_update", ["billing"], [credential.Item.Id]);
        Assert.DoesNotContain("swordfish", update.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", update.Text, StringComparison.Ordinal);

        await credentials.RevertAsync(DomainHost.Alice, credential.Item.Id, 1);
        await AssertNextAsync("credential_update", ["billing"], [credential.Item.Id]);

        // The service's event lists its credentials, not its blind credentials (spec §9.8).
        await services.PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput { BlindCredentials = [blind.Id] });
        await AssertNextAsync("service_update", ["billing"], [credential.Item.Id]);

        await blinds.UpdateAsync(DomainHost.Alice, blind.Id, new BlindCredentialInput { Name = "blind-db-2" });
        await AssertNextAsync("blind_credential_update", ["billing"], [blind.Id]);

        await blinds.RevertAsync(DomainHost.Alice, blind.Id, 1);
        await AssertNextAsync("blind_credential_update", ["billing"], [blind.Id]);

        await services.RevertAsync(DomainHost.Alice, "billing", 1);
        await AssertNextAsync("service_update", ["billing"], [credential.Item.Id]);

        // The filtered endpoint got the service events only, in order.
        for (var i = 0; i < 3; i++)
        {
            var received = await _receiver.NextAsync("services");
            Assert.Equal("service_update", JsonDocument.Parse(received.Body).RootElement.GetProperty("event_type").GetString());
        }

        Assert.False(_receiver.HasPending("services"));
    }

    [Fact]
    public async Task UnmappedUpdatesAndCreates_SendNothing()
    {
        var credentials = _host.Get<CredentialService>();
        var credential = await credentials.CreateAsync(DomainHost.Alice, TestData.Credential("loose", ("k", "v")));
        await credentials.UpdateAsync(DomainHost.Alice, credential.Item.Id, new CredentialInput { Pairs = TestData.Pairs(("k", "v2")) });
        var blind = await _host.Get<BlindCredentialService>().CreateAsync(DomainHost.Alice, TestData.BlindCredential("loose-blind", "blind_key"));
        await _host.Get<BlindCredentialService>().UpdateAsync(DomainHost.Alice, blind.Id, new BlindCredentialInput { Name = "loose-blind-2" });

        // Events go out in order, so the first to arrive after those writes shows that they sent none.
        await _host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "empty", new ServiceMappingInput());
        await AssertNextAsync("service_update", ["empty"], []);
    }

    /// <summary>The signature recomputed here, from the documented recipe, not with the product's code.</summary>
    private static void AssertSigned(ReceivedWebhook received, string secret, DateTimeOffset now)
    {
        var header = received.Header("Confidant-Signature");
        Assert.NotNull(header);
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal(now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), parts["t"]);
        byte[] signed = [.. Encoding.ASCII.GetBytes(parts["t"] + "."), .. received.Body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"])), "signature does not verify");
    }

    private async Task<ReceivedWebhook> AssertNextAsync(string type, string[] services, string[] credentials)
    {
        var received = await _receiver.NextAsync("all");
        AssertSigned(received, WebhookReceiver.Secret, _host.Time.GetUtcNow());
        Assert.Equal("application/json", received.Header("Content-Type"));
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(type, body.GetProperty("event_type").GetString());
        Assert.Equal(type, received.Header("Confidant-Event-Type"));
        Assert.Equal(body.GetProperty("id").GetString(), received.Header("Confidant-Event-Id"));
        Assert.Equal(32, body.GetProperty("id").GetString()!.Length);
        Assert.Equal(DomainHost.Alice.Name, body.GetProperty("actor").GetString());
        Assert.Equal("2026-03-01T12:00:00.000Z", body.GetProperty("occurred_at").GetString());
        Assert.Equal(services, body.GetProperty("services").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(credentials, body.GetProperty("credentials").EnumerateArray().Select(e => e.GetString()!).ToArray());
        return received;
    }
}
