using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Confidant.Web.Commands;

namespace Confidant.Tests.Web.Commands;

/// <summary>The <c>token</c> verb: a kmsauth token minted with the app's own key service is accepted by its API.</summary>
public sealed class TokenCommandTests : IAsyncLifetime
{
    private ApiTestHost _host = null!;

    public Task InitializeAsync()
    {
        _host = ApiTestHost.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task RunAsync_FromService_PrintsUsernameTokenAndCurl()
    {
        var (exit, output, error) = await RunAsync("token", "--from", "myservice");

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Equal("2/service/myservice", Field(output, "username"));
        Assert.NotEmpty(Convert.FromBase64String(Field(output, "token")));
        Assert.Contains("curl -u '2/service/myservice:", output, StringComparison.Ordinal);
        Assert.Contains("/v1/services/myservice", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PrintedToken_MissingServiceThenExistingService()
    {
        var (_, output, _) = await RunAsync("token", "--from", "myservice");
        using var client = Basic(Field(output, "username"), Field(output, "token"));

        var missing = await client.GetAsync(new Uri("/v1/services/myservice", UriKind.Relative));
        await _host.Get<ServiceMappingService>().PutAsync(ApiTestHost.Alice, "myservice", new ServiceMappingInput());
        var found = await client.GetAsync(new Uri("/v1/services/myservice", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("{}", (await missing.Content.ReadAsStringAsync()).TrimEnd('\n'));
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
    }

    [Fact]
    public async Task RunAsync_UserTypeUserVersion1_TokenAccepted()
    {
        var (userExit, userOutput, _) = await RunAsync("token", "--from", "alice", "--user-type", "user");
        var (v1Exit, v1Output, _) = await RunAsync("token", "--from", "myservice", "--token-version", "1", "--lifetime", "30");
        using var user = Basic(Field(userOutput, "username"), Field(userOutput, "token"));
        using var v1 = Basic(Field(v1Output, "username"), Field(v1Output, "token"));

        Assert.Equal(0, userExit);
        Assert.Equal("2/user/alice", Field(userOutput, "username"));
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(new Uri("/v1/services", UriKind.Relative))).StatusCode);
        Assert.Equal(0, v1Exit);
        Assert.Equal("myservice", Field(v1Output, "username"));
        Assert.Equal(HttpStatusCode.NotFound, (await v1.GetAsync(new Uri("/v1/services/myservice", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("token", "--from")]
    [InlineData("token", "--from", "")]
    [InlineData("token", "myservice")]
    [InlineData("token", "--lifetime", "10")]
    [InlineData("token", "--from", "x", "--token-version", "3")]
    [InlineData("token", "--from", "x", "--lifetime", "abc")]
    [InlineData("token", "--from", "x", "--lifetime", "120")]
    [InlineData("token", "--from", "x", "--user-type", "robot")]
    public async Task RunAsync_BadArguments_ExitCode2WithUsage(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("usage: token --from NAME", error, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await TokenCommand.RunAsync(_host.Factory.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string Field(string output, string name)
    {
        var prefix = name + ": ";
        var line = output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line[prefix.Length..];
    }

    private HttpClient Basic(string username, string token)
    {
        var client = _host.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{token}")));
        return client;
    }
}
