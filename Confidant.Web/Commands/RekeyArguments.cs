using Confidant.Services.Rekey;

namespace Confidant.Web.Commands;

/// <summary>
/// The options of <c>rekey start</c> and <c>rekey run</c>: <c>--mode rewrap|rekey</c>, <c>--to KEY</c>, and in re-key
/// mode <c>--credential ID</c> (repeatable). Settings for the host (<c>--Key=value</c>) are passed over.
/// </summary>
internal static class RekeyArguments
{
    public const string Options = "[--mode rewrap|rekey] [--to KEY] [--credential ID]...";

    /// <summary>The request the arguments after the verb's words ask for, or an error naming what is wrong.</summary>
    public static (RekeyRequest? Request, string? Error) Parse(IReadOnlyList<string> args, int skip)
    {
        var mode = RekeyMode.Rewrap;
        string? to = null;
        var credentials = new List<string>();
        var given = new HashSet<string>(StringComparer.Ordinal);
        var rest = args.Skip(skip).Where(a => !CommandLine.IsSetting(a)).ToList();
        for (var i = 0; i < rest.Count; i += 2)
        {
            var name = rest[i];
            if (i + 1 >= rest.Count || string.IsNullOrWhiteSpace(rest[i + 1]) || rest[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return (null, name.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value." : $"Unexpected argument '{name}'.");
            }

            var value = rest[i + 1];
            if (name != "--credential" && !given.Add(name))
            {
                return (null, $"{name} is given twice.");
            }

            switch (name)
            {
                case "--mode" when RekeyModes.TryParse(value, out var parsed):
                    mode = parsed;
                    break;
                case "--mode":
                    return (null, $"--mode must be {RekeyModes.Rewrap} or {RekeyModes.Rekey} (was '{value}').");
                case "--to":
                    to = value;
                    break;
                case "--credential":
                    credentials.Add(value);
                    break;
                default:
                    return (null, $"Unknown option '{name}'.");
            }
        }

        if (credentials.Count > 0 && mode != RekeyMode.Rekey)
        {
            return (null, "--credential selects credentials to re-key: use it with --mode rekey.");
        }

        return (new RekeyRequest(mode, to, credentials), null);
    }

    /// <summary>Whether any option was given (so that a verb resuming an existing job can say it ignored them).</summary>
    public static bool Any(RekeyRequest request) =>
        request.Mode != RekeyMode.Rewrap || request.TargetKey is not null || request.Credentials is { Count: > 0 };
}
