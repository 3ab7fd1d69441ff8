using Confidant.Tests.Support;
using Confidant.Web.Commands;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// The admin verbs refuse bad arguments with exit code 2 and their usage, before touching any service, and answer
/// <c>--help</c> with it.
/// </summary>
public sealed class AdminCommandArgumentsTests
{
    public static TheoryData<string, string[]> BadArguments { get; } = new()
    {
        { ArchiveCommand.Usage, ["archive"] },
        { ArchiveCommand.Usage, ["archive", "--dry-run"] },
        { ArchiveCommand.Usage, ["archive", "--days"] },
        { ArchiveCommand.Usage, ["archive", "--days", "-1"] },
        { ArchiveCommand.Usage, ["archive", "--days", "ten"] },
        { ArchiveCommand.Usage, ["archive", "--days", "99999999999"] },
        { ArchiveCommand.Usage, ["archive", "--days", "3", "--ids", "a"] },
        { ArchiveCommand.Usage, ["archive", "--ids", ","] },
        { ArchiveCommand.Usage, ["archive", "--ids", "a", "--ids", "b"] },
        { ArchiveCommand.Usage, ["archive", "--ids", "a", "--force"] },
        { ArchiveCommand.Usage, ["archive", "extra", "--ids", "a"] },
        { RestoreCommand.Usage, ["restore"] },
        { RestoreCommand.Usage, ["restore", "--ids"] },
        { RestoreCommand.Usage, ["restore", "--all"] },
        { RestoreCommand.Usage, ["restore", "--ids", "a", "b"] },
        { GrantsCommand.EnsureUsage, ["grants", "ensure"] },
        { GrantsCommand.EnsureUsage, ["grants", "ensure", "billing"] },
        { GrantsCommand.EnsureUsage, ["grants", "ensure", "--all", "--all"] },
        { GrantsCommand.RevokeUsage, ["grants", "revoke"] },
        { GrantsCommand.RevokeUsage, ["grants", "revoke", "--all", "now"] },
        { TablesCreateCommand.Usage, ["tables", "create", "--all"] },
        { CopyStoreCommand.Usage, ["copy-store"] },
        { BootstrapCommand.GenerateUsage, ["bootstrap", "generate", "--in"] },
        { BootstrapCommand.GenerateUsage, ["bootstrap", "generate", "--key", "x"] },
        { BootstrapCommand.DecryptUsage, ["bootstrap", "decrypt", "--out", "x"] },
        { CopyStoreCommand.Usage, ["copy-store", "--from", "sqlite:a.db"] },
        { CopyStoreCommand.Usage, ["copy-store", "--from", "sqlite:a.db", "--to", "sqlite:a.db"] },
        { CopyStoreCommand.Usage, ["copy-store", "--from", "postgres:x", "--to", "dynamodb:t"] },
        { CopyStoreCommand.Usage, ["copy-store", "--from", "sqlite:", "--to", "dynamodb:t"] },
        { CopyStoreCommand.Usage, ["copy-store", "--from", "sqlite:a.db", "--to", "dynamodb:t:t"] },
        { CopyStoreCommand.Usage, ["copy-store", "--from", "sqlite:a.db", "--to", "dynamodb:t:a:b"] },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Run_BadArguments_ExitCode2WithTheUsageAndNoServiceTouched(string usage, string[] args)
    {
        var (exit, output, error) = await CommandBackend.RunAsync(NoServices.Instance, args);

        Assert.Equal(CommandLine.BadArguments, exit);
        Assert.Empty(output);
        Assert.Contains(usage, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("archive")]
    [InlineData("restore")]
    [InlineData("grants", "ensure")]
    [InlineData("grants", "revoke")]
    [InlineData("tables", "create")]
    [InlineData("copy-store")]
    [InlineData("bootstrap", "generate")]
    [InlineData("bootstrap", "decrypt")]
    public async Task Run_Help_PrintsTheVerbsUsageAndSummary(params string[] words)
    {
        var verb = Assert.Single(CommandLine.Verbs, v => v.Words.SequenceEqual(words));

        var (exit, output, _) = await CommandBackend.RunAsync(NoServices.Instance, [.. words, "--help"]);

        Assert.Equal(0, exit);
        Assert.Equal($"{verb.Usage}\n{verb.Summary}\n", output.ReplaceLineEndings("\n"));
    }
}
