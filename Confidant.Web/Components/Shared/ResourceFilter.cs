using System.Globalization;
using System.Text.RegularExpressions;

namespace Confidant.Web.Components.Shared;

/// <summary>
/// A name filter typed by a person: words that must all occur (case-insensitive), or a .NET regex between slashes.
/// A pattern runs against every name of a list on each keystroke, so it runs on the non-backtracking engine (time
/// linear in the name's length, whatever the pattern) and one pass over a list stops when <see cref="PassBudget"/>
/// is spent, reporting how far it got.
/// </summary>
internal sealed class ResourceFilter
{
    /// <summary>The time one pass over a list may take, whatever the list's length.</summary>
    public static readonly TimeSpan PassBudget = TimeSpan.FromMilliseconds(250);

    /// <summary>Longer patterns are refused: building the matcher grows with the pattern.</summary>
    public const int MaxPatternLength = 256;

    private readonly string[] _words;
    private readonly Regex? _regex;
    private readonly string? _invalid;

    private ResourceFilter(string[] words, Regex? regex, string? invalid)
    {
        _words = words;
        _regex = regex;
        _invalid = invalid;
        Error = invalid;
    }

    public static ResourceFilter Empty { get; } = new([], null, null);

    /// <summary>Why the text is not a usable filter, or why the last pass stopped early; null when neither.</summary>
    public string? Error { get; private set; }

    public bool IsEmpty => _words.Length == 0 && _regex is null;

    public static ResourceFilter Parse(string? text)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Length >= 2 && trimmed[0] == '/' && trimmed[^1] == '/')
        {
            var pattern = trimmed[1..^1];
            if (pattern.Length > MaxPatternLength)
            {
                return new ResourceFilter([], null, $"A regular expression may have at most {MaxPatternLength} characters.");
            }

            try
            {
                var options = RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
                return new ResourceFilter([], new Regex(pattern, options, PassBudget), null);
            }
            catch (ArgumentException e)
            {
                return new ResourceFilter([], null, $"Invalid regular expression: {e.Message}");
            }
            catch (NotSupportedException e)
            {
                // Backreferences, lookarounds and atomic groups need backtracking.
                return new ResourceFilter([], null, $"Unsupported regular expression: {e.Message}");
            }
        }

        var words = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 0 ? Empty : new ResourceFilter(words, null, null);
    }

    /// <summary>
    /// The items whose name passes, in their order. An unusable pattern filters nothing: it is usually half-typed,
    /// and an emptied list would hide the cause. When the pass outlasts <see cref="PassBudget"/>, the items not yet
    /// looked at are left out and <see cref="Error"/> says so.
    /// </summary>
    public List<T> Apply<T>(IReadOnlyCollection<T> items, Func<T, string> nameOf, TimeProvider? time = null)
    {
        Error = _invalid;
        if (IsEmpty || _invalid is not null)
        {
            return [.. items];
        }

        var clock = time ?? TimeProvider.System;
        long? started = null;
        var shown = new List<T>();
        var looked = 0;
        foreach (var item in items)
        {
            if (started is { } since && clock.GetElapsedTime(since) >= PassBudget)
            {
                Error = string.Create(
                    CultureInfo.InvariantCulture,
                    $"The filter took too long and stopped after {looked} of {items.Count} names; simplify the pattern.");
                break;
            }

            if (Matches(nameOf(item)))
            {
                shown.Add(item);
            }

            looked++;

            // Timed from the second name on: the first match also builds the matcher, a one-off cost of the pattern
            // rather than of the list.
            started ??= clock.GetTimestamp();
        }

        return shown;
    }

    /// <summary>Whether one name passes; an unusable pattern passes everything.</summary>
    public bool Matches(string name)
    {
        if (_invalid is not null)
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
