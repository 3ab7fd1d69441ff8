using System.Text;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Tests.Services.Storage;

public sealed class PageTokenTests
{
    // Appendix A page token vector.
    private const string Vector =
        "eyJpZCI6IHsiUyI6ICI3ZjNjMmExYjlkOGU0ZjYwYTFiMmMzZDRlNWY2MDcxOCJ9LCAiZGF0YV90eXBlIjogeyJTIjogImNyZWRlbnRpYWwifSwgIm1vZGlmaWVkX2RhdGUiOiB7IlMiOiAiMjAyNC0wNS0wMVQxMjozMDo0NS4xMjM0NTYrMDAwMCJ9fQ==";

    private static readonly PageToken VectorKey =
        new("7f3c2a1b9d8e4f60a1b2c3d4e5f60718", DataType.Credential, "2024-05-01T12:30:45.123456+0000");

    [Fact]
    public void Encode_AppendixAKey_MatchesTheVector()
    {
        Assert.Equal(Vector, VectorKey.Encode());
    }

    [Fact]
    public void Decode_AppendixAVector_ReturnsTheKey()
    {
        Assert.Equal(VectorKey, PageToken.Decode(Vector, DataType.Credential));
    }

    [Fact]
    public void Decode_CompactJsonFromAnotherWriter_IsAccepted()
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            "{\"modified_date\":{\"S\":\"2024-05-01T12:30:45.123456+0000\"},\"data_type\":{\"S\":\"service\"},\"id\":{\"S\":\"svc-a\"}}"));

        Assert.Equal(new PageToken("svc-a", DataType.Service, "2024-05-01T12:30:45.123456+0000"), PageToken.Decode(token, DataType.Service));
    }

    [Theory]
    [InlineData("svc \"quoted\" \\ back")]
    [InlineData("ünïcødé-🔑")]
    public void Decode_EncodedToken_RoundTrips(string id)
    {
        var token = new PageToken(id, DataType.ArchiveService, "2000-01-01T00:00:00.000000+0000");

        Assert.Equal(token, PageToken.Decode(token.Encode(), DataType.ArchiveService));
    }

    [Theory]
    [InlineData("%%%")]
    [InlineData("e30=")] // {}
    [InlineData("W10=")] // []
    [InlineData("eyJpZCI6IHsiUyI6ICJhIn19")] // {"id": {"S": "a"}}
    public void Decode_MalformedToken_ThrowsFailedToParsePage(string token)
    {
        var error = Assert.Throws<ConfidantException>(() => PageToken.Decode(token, DataType.Credential));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal(ErrorMessages.FailedToParsePage, error.Message);
    }

    [Fact]
    public void Decode_TokenWithBadDate_ThrowsFailedToParsePage()
    {
        var token = new PageToken("a", DataType.Credential, "2024-05-01").Encode();

        var error = Assert.Throws<ConfidantException>(() => PageToken.Decode(token, DataType.Credential));

        Assert.Equal(ErrorMessages.FailedToParsePage, error.Message);
    }
}
