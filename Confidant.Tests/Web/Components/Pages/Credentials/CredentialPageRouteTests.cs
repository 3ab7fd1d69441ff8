using System.Net;
using Confidant.Tests.Support;

namespace Confidant.Tests.Web.Components.Pages.Credentials;

/// <summary>The credential page served by the real app: routes, wiring and the prerendered markup.</summary>
public sealed class CredentialPageRouteTests : IAsyncLifetime
{
    private const string Secret = "hunter2-very-secret";
    private ApiTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Get_ExistingCredential_ShowsKeysButNotValues()
    {
        var created = await _host.CreateCredentialAsync("billing-db", ("db_password", Secret));
        using var client = await _host.SessionClientAsync("editor@example.com");

        using var response = await client.GetAsync(new Uri($"/credentials/{created.Item.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("db_password", html, StringComparison.Ordinal);
        Assert.Contains("id=\"reveal-values\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_New_ShowsAnEmptyForm()
    {
        using var client = await _host.SessionClientAsync("editor@example.com");

        using var response = await client.GetAsync(new Uri("/credentials/new", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("New credential", html, StringComparison.Ordinal);
        Assert.Contains("id=\"save-credential\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"credential-not-found\"", html, StringComparison.Ordinal);
    }
}
