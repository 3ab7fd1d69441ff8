using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Auth;

/// <summary>
/// kmsauth tokens whose validity window sits at the edges of the date range: anyone who may encrypt with the auth key
/// can send them, so they are refused like any bad token (403, spec §2.1), never a 500 from date arithmetic that
/// leaves the range. The clock skew is applied to "now", never to the token's bounds.
/// </summary>
public sealed class KmsTokenWindowTests(KmsTokenWindowTests.Host fixture) : IClassFixture<KmsTokenWindowTests.Host>
{
    private readonly ApiTestHost _host = fixture.Api;

    [Theory]
    [InlineData("00010101T000000Z", "00010101T000000Z")]
    [InlineData("00010101T000000Z", "00010101T005959Z")]
    [InlineData("99991231T235959Z", "99991231T235959Z")]
    [InlineData("99991231T230000Z", "99991231T235959Z")]
    [InlineData("00010101T000000Z", "99991231T235959Z")]
    [InlineData("00000101T000000Z", "00000101T000000Z")]
    public async Task GetService_TokenWindowAtTheEdgeOfTheDateRange_403(string notBefore, string notAfter)
    {
        var username = new KmsAuthUsername(2, "service", "billing");
        var payload = $"{{\"not_before\": \"{notBefore}\", \"not_after\": \"{notAfter}\"}}";
        var encrypted = await _host.Get<IKeyService>().EncryptAsync(
            ApiTestHost.AuthKey, Encoding.UTF8.GetBytes(payload), username.EncryptionContext(ApiTestHost.To));
        using var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{Convert.ToBase64String(encrypted.Ciphertext)}")));

        var response = await client.GetWireAsync("/v1/services/billing");

        response.AssertError(HttpStatusCode.Forbidden, "Token refused.");
    }

    /// <summary>One app for every case: each sends its own token and changes nothing.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public ApiTestHost Api { get; } = ApiTestHost.Create(new Dictionary<string, string?> { ["KmsAuth:ClockSkewSeconds"] = "600" });

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await Api.DisposeAsync();
    }
}
