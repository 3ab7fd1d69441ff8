using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Confidant.Tests.Support;

/// <summary>
/// Clients that keep calling the API while a test breaks what it depends on, recording every answer with its timing.
/// Each caller runs in a loop, one request at a time, until <see cref="StopAsync"/>.
/// </summary>
public sealed class ApiLoad : IAsyncDisposable
{
    private readonly ConcurrentQueue<LoadAnswer> _answers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task> _loops;

    private ApiLoad(IEnumerable<(string Kind, Func<int, Task<(HttpResponseMessage Response, string? Sent)>> Call)> callers) =>
        _loops = callers.Select(caller => Task.Run(() => LoopAsync(caller.Kind, caller.Call))).ToList();

    public IReadOnlyList<LoadAnswer> Answers => [.. _answers];

    /// <summary>Time since the load started, to mark the phases of a test.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>
    /// Starts the callers. Each is given the number of its request (from 0) and returns the response and, for a write,
    /// the value it sent.
    /// </summary>
    public static ApiLoad Start(params (string Kind, Func<int, Task<(HttpResponseMessage Response, string? Sent)>> Call)[] callers) =>
        new(callers);

    /// <summary>Waits until an answer of <paramref name="kind"/> given after <paramref name="since"/> has <paramref name="status"/>.</summary>
    public async Task WaitForAsync(string kind, HttpStatusCode status, TimeSpan since, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!_answers.Any(a => a.Kind == kind && a.Status == status && a.Started >= since))
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"No {kind} answered {(int)status} within {timeout} after {since}: {Summary()}");
            }

            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    /// <summary>Counts by kind and status and the slowest answer, for the test output.</summary>
    public string Report() =>
        $"{_answers.Count} answers in {Now.TotalSeconds:F1} s ({Summary()}); slowest {_answers.Select(a => a.Took).DefaultIfEmpty().Max().TotalMilliseconds:F0} ms";

    /// <summary>Counts of answers by kind and status, for failure messages.</summary>
    public string Summary() => string.Join(", ", _answers
        .GroupBy(a => $"{a.Kind} {(int)a.Status}")
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => $"{g.Key}: {g.Count()}"));

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(string kind, Func<int, Task<(HttpResponseMessage Response, string? Sent)>> call)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var started = _clock.Elapsed;
            HttpResponseMessage response;
            string? sent;
            try
            {
                (response, sent) = await call(n);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                // No answer at all (a hang past the client's timeout): recorded as status 0.
                _answers.Enqueue(new LoadAnswer(kind, 0, null, error.GetType().Name, null, started, _clock.Elapsed - started, null));
                continue;
            }

            using (response)
            {
                var body = await response.Content.ReadAsStringAsync();
                _answers.Enqueue(new LoadAnswer(
                    kind,
                    response.StatusCode,
                    response.Content.Headers.ContentType?.MediaType,
                    body,
                    response.Headers.RetryAfter?.Delta,
                    started,
                    _clock.Elapsed - started,
                    sent));
            }
        }
    }
}

/// <summary>One answer of an <see cref="ApiLoad"/> caller.</summary>
public sealed record LoadAnswer(
    string Kind,
    HttpStatusCode Status,
    string? MediaType,
    string Body,
    TimeSpan? RetryAfter,
    TimeSpan Started,
    TimeSpan Took,
    string? Sent)
{
    /// <summary>
    /// Asserts what a client may be told while a dependency fails: 200, or 503 with a JSON <c>{"error": ...}</c> and
    /// <c>Retry-After</c> (never 405, 500 or an HTML page), within <paramref name="limit"/>.
    /// </summary>
    public static void AssertAll200Or503Json(IReadOnlyList<LoadAnswer> answers, TimeSpan limit)
    {
        Assert.NotEmpty(answers);
        var wrong = answers.Where(a => a.Status is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} answers were neither 200 nor 503, e.g. {Describe(wrong)}");

        var unavailable = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        var notJson = unavailable.Where(a => a.MediaType != "application/json" || !HasError(a.Body) || a.RetryAfter is null).ToList();
        Assert.True(notJson.Count == 0, $"{notJson.Count} 503 answers lacked the JSON error or Retry-After, e.g. {Describe(notJson)}");

        var slow = answers.Where(a => a.Took > limit).ToList();
        Assert.True(slow.Count == 0, $"{slow.Count} answers took longer than {limit}, the slowest {slow.Select(a => a.Took).DefaultIfEmpty().Max()}");
    }

    private static bool HasError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Describe(List<LoadAnswer> answers) =>
        answers.Count == 0 ? "none" : $"{answers[0].Kind} {(int)answers[0].Status} {answers[0].MediaType}: {answers[0].Body[..Math.Min(200, answers[0].Body.Length)]}";
}
