using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Confidant.Web.Components.Pages.Credentials;

namespace Confidant.Tests.Web.Components.Pages.Credentials;

public sealed class CredentialFormTests
{
    [Fact]
    public void ToInput_NotRevealed_LeavesPairsAndUntouchedDocumentationAsStored()
    {
        var form = CredentialForm.From(Item(documentation: null));

        var input = form.ToInput(expectedRevision: 3);

        // A null field keeps the stored value on update.
        Assert.Null(input.Pairs);
        Assert.Null(input.Documentation);
        Assert.Equal(3, input.ExpectedRevision);
    }

    [Fact]
    public void ToInput_RevealedNonTextValueUnchanged_KeepsItsJsonType()
    {
        var form = CredentialForm.From(Item());
        form.Reveal(CredentialPairs.Create([new("port", TestData.Json("5432")), new("password", TestData.Json("\"old\""))]));
        form.Pairs = [new("port", "5432"), new("password", "new")];

        var pairs = form.ToInput(expectedRevision: 1).Pairs!;

        Assert.Equal(JsonValueKind.Number, pairs[0].Value.ValueKind);
        Assert.Equal("new", pairs[1].Value.GetString());
    }

    [Fact]
    public void ToInput_MetadataAndTags_ParsedFromRows()
    {
        var form = CredentialForm.From(Item(metadata: """{"port": 5432, "owner": "a"}"""));
        form.Metadata[1].Value = "b";
        form.Tags = " pci ,, prod, pci ";

        var input = form.ToInput(expectedRevision: 1);

        Assert.Equal("""{"port":5432,"owner":"b"}""", input.Metadata!.Value.GetRawText());
        Assert.Equal(["pci", "prod"], input.Tags);
    }

    [Theory]
    [InlineData("", "needs a key")]
    [InlineData("owner", "appears more than once")]
    public void MetadataError_EmptyOrRepeatedKey_Named(string key, string message)
    {
        var form = CredentialForm.From(Item(metadata: """{"owner": "a"}"""));
        form.Metadata.Add(new MetadataRow { Key = key, Value = "x" });

        Assert.Contains(message, form.MetadataError(), StringComparison.Ordinal);
    }

    private static CredentialItem Item(string metadata = "{}", string? documentation = "docs") => new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        DataType = DataType.Credential,
        Revision = 1,
        Enabled = true,
        ModifiedDate = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        ModifiedBy = "alice@example.com",
        Name = "billing-db",
        CredentialPairs = "ciphertext",
        DataKey = "key",
        Metadata = metadata,
        Documentation = documentation,
    };
}
