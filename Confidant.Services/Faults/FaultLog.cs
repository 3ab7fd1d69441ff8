using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Confidant.Services.Errors;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Faults;

/// <summary>
/// Logs dependency faults and unexpected errors without flooding: at most one line per interval for each dependency
/// and failure class (and for each type of unexpected error), carrying the number of occurrences left out since the
/// previous line. A store outage under load thus costs a few lines, not a stack trace per request. Causes are named
/// by exception type and error code only: messages may quote request data.
/// </summary>
public sealed partial class FaultLog
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Logged, int Suppressed)> _windows = new(StringComparer.Ordinal);
    private readonly ILogger<FaultLog> _logger;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;

    public FaultLog(ILogger<FaultLog> logger, TimeProvider clock)
        : this(logger, clock, DefaultInterval)
    {
    }

    internal FaultLog(ILogger<FaultLog> logger, TimeProvider clock, TimeSpan interval)
    {
        _logger = logger;
        _clock = clock;
        _interval = interval;
    }

    /// <summary>Reports that <paramref name="dependency"/> failed with <paramref name="failure"/> during <paramref name="operation"/>.</summary>
    public void Unavailable(Dependency dependency, FailureClass failure, string operation, Exception cause)
    {
        if (ShouldLog($"{dependency}/{failure}", out var suppressed))
        {
            LogUnavailable(_logger, dependency, failure, operation, Describe(cause), suppressed);
        }
    }

    /// <summary>Reports an error no rule expects (a bug), with its stack trace, once per interval for each exception type.</summary>
    public void Unexpected(string where, Exception error)
    {
        if (ShouldLog($"unexpected/{error.GetType().FullName}", out var suppressed))
        {
            LogUnexpected(_logger, where, suppressed, error);
        }
    }

    /// <summary>The cause chain by type and code, e.g. <c>HttpRequestException(ConnectionError) &lt; SocketException(ConnectionRefused)</c>.</summary>
    internal static string Describe(Exception cause)
    {
        var text = new StringBuilder();
        for (var current = cause; current is not null; current = current.InnerException)
        {
            if (text.Length > 0)
            {
                text.Append(" < ");
            }

            text.Append(current.GetType().Name);
            var code = current switch
            {
                SocketException socket => socket.SocketErrorCode.ToString(),
                HttpRequestException http => http.StatusCode is { } status ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : http.HttpRequestError.ToString(),
                AmazonServiceException service => $"{service.ErrorCode}, {(int)service.StatusCode}",
                Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            if (code is not null)
            {
                text.Append('(').Append(code).Append(')');
            }
        }

        return text.ToString();
    }

    private bool ShouldLog(string key, out int suppressed)
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            if (_windows.TryGetValue(key, out var window) && _clock.GetElapsedTime(window.Logged, now) < _interval)
            {
                _windows[key] = window with { Suppressed = window.Suppressed + 1 };
                suppressed = 0;
                return false;
            }

            suppressed = window.Suppressed;
            _windows[key] = (now, 0);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dependency} unavailable ({Failure}) in {Operation}: {Cause}; {Suppressed} more since the previous line")]
    private static partial void LogUnavailable(ILogger logger, Dependency dependency, FailureClass failure, string operation, string cause, int suppressed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in {Where}; {Suppressed} more of this type since the previous line")]
    private static partial void LogUnexpected(ILogger logger, string where, int suppressed, Exception error);
}
