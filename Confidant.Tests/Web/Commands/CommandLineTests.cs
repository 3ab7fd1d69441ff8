using Confidant.Tests.Support;
using Confidant.Web.Commands;

namespace Confidant.Tests.Web.Commands;

/// <summary>The verb table: what counts as a command, help, and exit code 2 with the usage for anything else.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(true, "token", "--from", "x")]
    [InlineData(true, "audit", "verify")]
    [InlineData(true, "frobnicate")]
    [InlineData(true, "--help")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:5000")]
    [InlineData(false, "Storage:Provider=Sqlite")]
    [InlineData(false, "/Kms:Provider", "Local")]
    public void IsCommand_VerbsAndHelpButNotSettings(bool expected, params string[] args) =>
        Assert.Equal(expected, CommandLine.IsCommand(args));

    [Fact]
    public async Task Run_Help_ListsEveryVerbWithItsUsage()
    {
        var (exit, output, error) = await RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.All(CommandLine.Verbs, verb => Assert.Contains(verb.Usage["usage: ".Length..], output, StringComparison.Ordinal));
        Assert.Contains("audit verify", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("audit")]
    [InlineData("audit", "frobnicate")]
    public async Task Run_UnknownVerb_ExitCode2WithTheVerbs(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(CommandLine.BadArguments, exit);
        Assert.Empty(output);
        Assert.Contains("Unknown command", error, StringComparison.Ordinal);
        Assert.Contains("audit verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_VerbHelp_PrintsItsUsage()
    {
        var (exit, output, _) = await RunAsync("audit", "verify", "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: audit verify", output, StringComparison.Ordinal);
    }

    // No verb here reaches a service: an empty provider proves it.
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(NoServices.Instance, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
