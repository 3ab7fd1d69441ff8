using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Confidant.Tests.Support;

/// <summary>A logger provider that keeps every entry of every category, for tests that count or read log lines.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception)
    {
        /// <summary>The entry as a sink writes it: the message, then the exception with its stack trace, if any.</summary>
        public string Text => Exception is null ? Message : $"{Message}{Environment.NewLine}{Exception}";
    }

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
    }
}
