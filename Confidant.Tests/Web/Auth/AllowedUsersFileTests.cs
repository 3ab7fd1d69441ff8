using Confidant.Tests.Support;
using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

/// <summary>spec §2.5 USERS_FILE: a YAML list of e-mails or a mapping e-mail → name.</summary>
public sealed class AllowedUsersFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("- Alice@Example.com\n- bob@example.com\n")]
    [InlineData("Alice@Example.com: Alice\nbob@example.com: Bob Builder\n")]
    [InlineData("[alice@example.com, \"bob@example.com\"]")]
    public void Read_ListOrMapping_TheEmails(string yaml) =>
        Assert.Equal(["alice@example.com", "bob@example.com"], AllowedUsersFile.Read(Write(yaml)).Order());

    [Theory]
    [InlineData("")]
    [InlineData("# nobody yet\n")]
    public void Read_Empty_Nobody(string yaml) =>
        Assert.Empty(AllowedUsersFile.Read(Write(yaml)));

    [Theory]
    [InlineData("just-a-string", "expected a list")]
    [InlineData("- [nested]\n", "every entry")]
    [InlineData("- alice@example.com\n  bad: [\n", "not valid YAML")]
    public void Read_OtherShapes_InvalidData(string yaml, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => AllowedUsersFile.Read(Write(yaml)));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    private string Write(string yaml)
    {
        var path = _directory.File("users.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
