namespace Confidant.Web.Commands;

/// <summary>
/// The options of one verb, after its words: <c>--name value</c> options and <c>--flag</c> switches, each at most
/// once; settings for the host (<c>--Key=value</c>) are left to the configuration. Anything else is a bad argument.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandArguments()
    {
    }

    /// <summary>Parses <paramref name="args"/> after the verb's <paramref name="words"/>; null when they do not fit.</summary>
    public static CommandArguments? Parse(IReadOnlyList<string> args, int words, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        var parsed = new CommandArguments();
        for (var i = words; i < args.Count; i++)
        {
            var arg = args[i];
            if (CommandLine.IsSetting(arg))
            {
                continue;
            }

            if (flags.Contains(arg) && parsed._flags.Add(arg))
            {
                continue;
            }

            if (!options.Contains(arg) || i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)
                || string.IsNullOrWhiteSpace(args[i + 1]) || !parsed._values.TryAdd(arg, args[i + 1]))
            {
                return null;
            }

            i++;
        }

        return parsed;
    }

    public string? Value(string option) => _values.GetValueOrDefault(option);

    public bool Has(string option) => _values.ContainsKey(option) || _flags.Contains(option);

    /// <summary>A comma-separated list (<c>--ids a,b</c>) without blanks or repeats; null when absent or empty.</summary>
    public IReadOnlyList<string>? List(string option) =>
        Value(option)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } list
            ? list
            : null;
}
