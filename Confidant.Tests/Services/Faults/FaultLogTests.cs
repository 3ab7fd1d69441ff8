using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Faults;

public sealed class FaultLogTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _factory;
    private readonly FaultLog _log;

    public FaultLogTests()
    {
        _factory = LoggerFactory.Create(l => l.AddProvider(_logs));
        _log = new FaultLog(_factory.CreateLogger<FaultLog>(), _clock);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public void Unavailable_ManyWithinTheInterval_OneLineThenOneCountingTheRest()
    {
        var cause = new TimeoutException();
        for (var i = 0; i < 100; i++)
        {
            _log.Unavailable(Dependency.Store, FailureClass.TimedOut, "GetAsync", cause);
        }

        _clock.Advance(FaultLog.DefaultInterval);
        _log.Unavailable(Dependency.Store, FailureClass.TimedOut, "GetAsync", cause);

        Assert.Equal(2, _logs.Entries.Count);
        Assert.Contains("99 more since the previous line", _logs.Entries[1].Message, StringComparison.Ordinal);
        Assert.All(_logs.Entries, e => Assert.Null(e.Exception));
    }

    [Fact]
    public void Unavailable_EachDependencyAndClass_HasItsOwnLine()
    {
        _log.Unavailable(Dependency.Store, FailureClass.TimedOut, "GetAsync", new TimeoutException());
        _log.Unavailable(Dependency.Store, FailureClass.Unreachable, "GetAsync", new HttpRequestException());
        _log.Unavailable(Dependency.KeyService, FailureClass.TimedOut, "Decrypt", new TimeoutException());
        _log.Unavailable(Dependency.KeyService, FailureClass.TimedOut, "Decrypt", new TimeoutException());

        Assert.Equal(3, _logs.Entries.Count);
    }

    [Fact]
    public void Unexpected_SameTypeRepeated_OneStackTracePerInterval()
    {
        for (var i = 0; i < 10; i++)
        {
            _log.Unexpected("HTTP: GET /v1/services/{id}", new InvalidOperationException("bug"));
        }

        _log.Unexpected("HTTP: GET /v1/services/{id}", new ArgumentException("another bug"));

        Assert.Equal(2, _logs.Entries.Count);
        Assert.All(_logs.Entries, e => Assert.Equal(LogLevel.Error, e.Level));
        Assert.IsType<InvalidOperationException>(_logs.Entries[0].Exception);
    }

    [Fact]
    public void Unavailable_CauseWithRequestDataInItsMessage_LogsTypesAndCodesOnly()
    {
        var cause = new HttpRequestException(
            HttpRequestError.ConnectionError, "password=hunter2", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));

        _log.Unavailable(Dependency.Store, FailureClass.Unreachable, "WriteRevisionAsync", cause);

        var line = Assert.Single(_logs.Entries);
        Assert.DoesNotContain("hunter2", line.Message, StringComparison.Ordinal);
        Assert.Contains("HttpRequestException(ConnectionError) < SocketException(ConnectionRefused)", line.Message, StringComparison.Ordinal);
    }
}
