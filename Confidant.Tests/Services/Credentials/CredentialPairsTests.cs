using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;

namespace Confidant.Tests.Services.Credentials;

public sealed class CredentialPairsTests
{
    private static KeyValuePair<string, JsonElement> Pair(string key, string json) =>
        new(key, JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void Create_MixedCaseDuplicateKeys_LowerCasesAndLaterWinsInFirstPosition()
    {
        // spec §9.1: keys lower-cased, case-variant duplicates collapse, last wins (Python dict semantics).
        var pairs = CredentialPairs.Create([Pair("API_KEY", "\"a\""), Pair("user", "\"u\""), Pair("api_key", "\"b\"")]);

        Assert.Equal(["api_key", "user"], pairs.Keys);
        Assert.Equal("b", pairs[0].Value.GetString());
    }

    [Theory]
    [InlineData("{\"a\": 1}")]
    [InlineData("[1, 2]")]
    public void Create_NonScalarValue_IsRejected(string json)
    {
        var error = Assert.Throws<ConfidantException>(() => CredentialPairs.Create([Pair("key", json)]));

        Assert.Equal(ConfidantErrorKind.BadRequest, error.Kind);
        Assert.Equal("credential pairs must be key: value", error.Message);
    }

    [Theory]
    [InlineData("api key")]
    [InlineData("api\tkey")]
    [InlineData("key\n")]
    public void Create_KeyWithWhitespace_IsRejected(string key)
    {
        var error = Assert.Throws<ConfidantException>(() => CredentialPairs.Create([Pair(key, "\"v\"")]));

        Assert.Equal("credential key must not contain whitespace", error.Message);
    }

    [Fact]
    public void ToPythonJson_MatchesPythonJsonDumps()
    {
        // Python: json.dumps({"api_key": "1234", "api_user": "example_user"}) (spec Appendix A plaintext).
        var pairs = CredentialPairs.FromStrings([new("api_key", "1234"), new("api_user", "example_user")]);

        Assert.Equal("{\"api_key\": \"1234\", \"api_user\": \"example_user\"}", pairs.ToPythonJson());
    }

    [Fact]
    public void ToPythonJson_NonAsciiAndControlCharacters_UsesEnsureAsciiEscapes()
    {
        // Python: json.dumps({"k": "é\u0001\"\\\n😀\u007f"}) == '{"k": "\\u00e9\\u0001\\"\\\\\\n\\ud83d\\ude00\\u007f"}'
        var pairs = CredentialPairs.FromStrings([new("k", "é\u0001\"\\\n😀\u007f")]);

        Assert.Equal("{\"k\": \"\\u00e9\\u0001\\\"\\\\\\n\\ud83d\\ude00\\u007f\"}", pairs.ToPythonJson());
    }

    [Fact]
    public void Equals_SamePairsInOtherOrder_AreEqual_DifferentValue_AreNot()
    {
        var left = CredentialPairs.Create([Pair("a", "\"1\""), Pair("b", "2")]);
        var reordered = CredentialPairs.Create([Pair("b", "2.0"), Pair("a", "\"1\"")]);
        var changed = CredentialPairs.Create([Pair("a", "\"1\""), Pair("b", "\"2\"")]);

        Assert.Equal(left, reordered);
        Assert.NotEqual(left, changed);
    }

    [Fact]
    public void ParseStored_RoundTripsThroughPythonJson()
    {
        var pairs = CredentialPairs.ParseStored("{\"z\": \"last\", \"a\": 5, \"n\": null, \"t\": true}");

        Assert.Equal(["z", "a", "n", "t"], pairs.Keys);
        Assert.Equal("{\"z\": \"last\", \"a\": 5, \"n\": null, \"t\": true}", pairs.ToPythonJson());
    }
}
