using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Shared;

// The folder mirrors Confidant.Web/Components/Shared, the Blazor layout (STYLE §2).
#pragma warning disable CA1716
namespace Confidant.Tests.Web.Components.Shared;
#pragma warning restore CA1716

public sealed class KeyValueEditorTests : ComponentTestContext
{
    private IReadOnlyList<KeyValuePair<string, string>>? _raised;

    [Fact]
    public void Render_InitialRows_ShowsKeysAndValuesInPasswordFields()
    {
        var editor = RenderEditor(("api_key", "s3cret"), ("user", "bob"));

        var keys = editor.FindAll(".kv-key input").Select(i => i.GetAttribute("value")).ToList();
        Assert.Equal(["api_key", "user"], keys);
        Assert.All(editor.FindAll(".kv-value input"), input => Assert.Equal("password", input.GetAttribute("type")));
        Assert.True(editor.Instance.IsValid);
    }

    [Fact]
    public void AddAndRemove_Rows_RaisesCurrentRowsInOrder()
    {
        var editor = RenderEditor(("a", "1"), ("b", "2"));

        editor.Find(".kv-add").Click();
        Assert.Equal(3, editor.FindAll(".kv-row").Count);
        Assert.Equal(["a", "b", ""], _raised!.Select(p => p.Key));

        editor.FindAll(".kv-remove")[0].Click();

        Assert.Equal(2, editor.FindAll(".kv-row").Count);
        Assert.Equal([new("b", "2"), new("", "")], _raised);
    }

    [Fact]
    public void Edit_DuplicateKeyIgnoringCase_FlaggedInlineAndInvalid()
    {
        var editor = RenderEditor(("api_key", "1"), ("other", "2"));

        editor.FindAll(".kv-key input")[1].Input("API_KEY");

        Assert.False(editor.Instance.IsValid);
        Assert.All(editor.FindAll(".kv-row"), row => Assert.Contains("appears more than once", row.TextContent, StringComparison.Ordinal));

        editor.FindAll(".kv-key input")[1].Input("other");

        Assert.True(editor.Instance.IsValid);
        Assert.DoesNotContain("appears more than once", editor.Markup, StringComparison.Ordinal);
        Assert.Equal([new("api_key", "1"), new("other", "2")], _raised);
    }

    [Theory]
    [InlineData("   ", "A key is required.")]
    [InlineData("has space", "must not contain spaces")]
    public void Edit_InvalidKey_FlaggedOnItsRowUntilFixed(string key, string message)
    {
        var editor = RenderEditor(("good", "1"), ("second", "2"));

        editor.FindAll(".kv-key input")[1].Input(key);

        Assert.False(editor.Instance.IsValid);
        Assert.Contains(message, editor.FindAll(".kv-row")[1].TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(message, editor.FindAll(".kv-row")[0].TextContent, StringComparison.Ordinal);

        editor.FindAll(".kv-key input")[1].Input("fixed");

        Assert.True(editor.Instance.IsValid);
        Assert.DoesNotContain(message, editor.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_KeyLongerThan256_FlaggedInline()
    {
        var editor = RenderEditor(("k", "v"));

        editor.Find(".kv-key input").Input(new string('k', 257));

        Assert.False(editor.Instance.IsValid);
        Assert.Contains("at most 256 characters", editor.Find(".kv-row").TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<KeyValueEditor> RenderEditor(params (string Key, string Value)[] rows) =>
        Render<KeyValueEditor>(parameters => parameters
            .Add(p => p.Rows, rows.Select(r => new KeyValuePair<string, string>(r.Key, r.Value)).ToList())
            .Add(p => p.RowsChanged, (IReadOnlyList<KeyValuePair<string, string>> current) => _raised = current));
}
