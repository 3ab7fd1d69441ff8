namespace Confidant.Web.Commands;

/// <summary>
/// A verb of the executable (<c>dotnet Confidant.Web.dll token ...</c>, <c>... audit verify</c>): its words, usage
/// line, one-line summary, and what it runs. <c>RunAsync</c> gets the whole argument list, verb words included,
/// and returns the exit code: 0 done, 1 failed, 2 bad arguments.
/// </summary>
public sealed record CommandVerb(
    IReadOnlyList<string> Words,
    string Usage,
    string Summary,
    Func<IServiceProvider, IReadOnlyList<string>, TextWriter, TextWriter, Task<int>> RunAsync)
{
    public string Name => string.Join(' ', Words);

    public bool Matches(IReadOnlyList<string> args) =>
        args.Count >= Words.Count && Words.Select((word, i) => string.Equals(word, args[i], StringComparison.Ordinal)).All(x => x);
}
