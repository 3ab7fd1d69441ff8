using System.Net;
using System.Net.Sockets;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Faults;

public sealed class CallGuardTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly FakeTimeProvider _clock = new();
    private readonly CapturedLogs _logs = new();
    private readonly CallGuard _guard;

    public CallGuardTests()
    {
        _guard = new CallGuard(Dependency.Store, Timeout, _clock, new FaultLog(LoggerFactory.Create(l => l.AddProvider(_logs)).CreateLogger<FaultLog>(), _clock));
    }

    public void Dispose() => _logs.Dispose();

    [Fact]
    public async Task RunAsync_CallThatIgnoresItsToken_UnavailableAtTheTimeout()
    {
        var completedEarly = true;

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(async () =>
        {
            var call = _guard.RunAsync("GetAsync", _ => Task.Delay(System.Threading.Timeout.Infinite, CancellationToken.None), CancellationToken.None);
            _clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
            completedEarly = call.IsCompleted;
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await call;
        });

        Assert.False(completedEarly);
        Assert.Equal((Dependency.Store, FailureClass.TimedOut), (error.Dependency, error.Failure));
        Assert.Equal(ConfidantErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task RunAsync_CallThatHonoursItsToken_CancelledAtTheTimeoutAndUnavailable()
    {
        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(async () =>
        {
            var call = _guard.RunAsync("GetAsync", token => Task.Delay(System.Threading.Timeout.Infinite, token), CancellationToken.None);
            _clock.Advance(Timeout);
            await call;
        });

        Assert.Equal(FailureClass.TimedOut, error.Failure);
    }

    [Fact]
    public async Task RunAsync_CallerGivesUp_CancellationPassesThroughAndNothingIsLogged()
    {
        using var client = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            var call = _guard.RunAsync("GetAsync", token => Task.Delay(System.Threading.Timeout.Infinite, token), client.Token);
            await client.CancelAsync();
            await call;
        });

        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public async Task RunAsync_NothingListens_UnreachableAndOneWarning()
    {
        using var http = new HttpClient();
        var closed = ClosedPort();

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            _guard.RunAsync("GetAsync", token => http.GetAsync(new Uri($"http://127.0.0.1:{closed}/"), token), CancellationToken.None));

        Assert.Equal(FailureClass.Unreachable, error.Failure);
        Assert.IsType<HttpRequestException>(error.InnerException);
        var line = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("SocketException(ConnectionRefused)", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DomainRefusal_PassesThroughUnchanged()
    {
        var refusal = ConfidantException.NotFound("Credential not found.");

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            _guard.RunAsync<int>("GetAsync", _ => throw refusal, CancellationToken.None));

        Assert.Same(refusal, error);
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public async Task RunAsync_Answer_ReturnedAsItIs()
    {
        Assert.Equal(42, await _guard.RunAsync("GetAsync", _ => Task.FromResult(42), CancellationToken.None));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
