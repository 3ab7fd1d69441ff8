using System.Text.Json;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Web.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Confidant.Tests.Web.Errors;

/// <summary>
/// Exceptions that escape an endpoint: API routes answer JSON in the documented shape (spec §1.4), never the HTML error
/// page or a 405 from re-running a write against it; UI routes get the error page through a GET.
/// </summary>
public sealed class UnhandledExceptionHandlerTests
{
    private readonly UnhandledExceptionHandler _handler = new(
        new FaultLog(NullLogger<FaultLog>.Instance, TimeProvider.System), NullLogger<UnhandledExceptionHandler>.Instance);

    [Theory]
    [InlineData("PUT", "/v1/credentials/abc")]
    [InlineData("POST", "/v1/credentials")]
    [InlineData("GET", "/healthcheck")]
    public async Task TryHandleAsync_BugOnApiRoute_Json500(string method, string path)
    {
        var (http, body) = Request(method, path);

        var handled = await _handler.TryHandleAsync(http, new InvalidOperationException("bug"), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status500InternalServerError, http.Response.StatusCode);
        Assert.Equal("application/json", http.Response.ContentType);
        Assert.Equal("{\"error\":\"Internal server error.\"}\n", body());
    }

    [Fact]
    public async Task TryHandleAsync_StoreUnavailableOnApiRoute_Json503WithRetryAfter()
    {
        var (http, body) = Request("PUT", "/v1/services/billing");

        await _handler.TryHandleAsync(http, new DependencyUnavailableException(Dependency.Store, FailureClass.Unreachable), CancellationToken.None);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("2", http.Response.Headers.RetryAfter.ToString());
        Assert.Equal("The store is unavailable; try again later.", JsonDocument.Parse(body()).RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("POST", "/signout")]
    [InlineData("PUT", "/credentials/abc")]
    public async Task TryHandleAsync_UiRouteWithAnyMethod_LeftToTheErrorPageAsAGet(string method, string path)
    {
        var (http, body) = Request(method, path);

        var handled = await _handler.TryHandleAsync(http, new InvalidOperationException("bug"), CancellationToken.None);

        Assert.False(handled);
        Assert.Equal(HttpMethods.Get, http.Request.Method);
        Assert.Empty(body());
    }

    [Fact]
    public async Task TryHandleAsync_UnreadableRequestOnApiRoute_JsonClientError()
    {
        var (http, body) = Request("POST", "/v1/credentials");

        await _handler.TryHandleAsync(http, new BadHttpRequestException("Invalid anti-forgery token.", StatusCodes.Status400BadRequest), CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        Assert.Equal("{\"error\":\"Bad Request\"}\n", body());
    }

    [Fact]
    public void StatusOf_Exception_503UnavailableClientErrorOr500()
    {
        Assert.Equal(503, UnhandledExceptionHandler.StatusOf(new DependencyUnavailableException(Dependency.KeyService, FailureClass.TimedOut)));
        Assert.Equal(503, UnhandledExceptionHandler.StatusOf(new HttpRequestException("refused")));
        Assert.Equal(400, UnhandledExceptionHandler.StatusOf(new BadHttpRequestException("unreadable form")));
        Assert.Equal(500, UnhandledExceptionHandler.StatusOf(new InvalidOperationException()));
    }

    private static (HttpContext Http, Func<string> Body) Request(string method, string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        var body = new MemoryStream();
        http.Response.Body = body;
        return (http, () => System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
