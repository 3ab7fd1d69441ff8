using System.Text.RegularExpressions;

namespace Confidant.Web.Components.Shared;

/// <summary>
/// A name filter typed by a person: words that must all occur (case-insensitive), or a .NET regex between slashes.
/// </summary>
internal sealed class ResourceFilter
{
    // A pattern typed into the UI runs against every name on each keystroke; the timeout keeps a catastrophic
    // backtracking pattern from holding the circuit.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    private readonly string[] _words;
    private readonly Regex? _regex;

    private ResourceFilter(string[] words, Regex? regex, string? error)
    {
        _words = words;
        _regex = regex;
        Error = error;
    }

    public static ResourceFilter Empty { get; } = new([], null, null);

    /// <summary>Why the text is not a usable filter, or null when it is.</summary>
    public string? Error { get; }

    public bool IsEmpty => _words.Length == 0 && _regex is null;

    public static ResourceFilter Parse(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length >= 2 && trimmed[0] == '/' && trimmed[^1] == '/')
        {
            try
            {
                var regex = new Regex(trimmed[1..^1], RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
                return new ResourceFilter([], regex, null);
            }
            catch (ArgumentException e)
            {
                return new ResourceFilter([], null, $"Invalid regular expression: {e.Message}");
            }
        }

        var words = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? Empty : new ResourceFilter(words, null, null);
    }

    /// <summary>
    /// Whether the name passes. An invalid pattern filters nothing: it is usually half-typed, and an emptied list
    /// would hide the error text's cause.
    /// </summary>
    public bool Matches(string name)
    {
        if (Error is not null)
        {
            return true;
        }

        if (_regex is not null)
        {
            try
            {
                return _regex.IsMatch(name);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        foreach (var word in _words)
        {
            if (!name.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
