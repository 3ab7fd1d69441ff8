using Bunit;
using Confidant.Tests.Support;
using Confidant.Web.Components.Shared;

namespace Confidant.Tests.Web.Components.Shared;

public sealed class RevisionDiffTests : ComponentTestContext
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_MaskedValues_MarksKeysByStatusWithoutValues()
    {
        var old = Credential(1, ["a", "b", "c"]);
        var @new = Credential(2, ["a", "b", "d"]);

        var diff = Render<RevisionDiff>(p => p.Add(c => c.Old, old).Add(c => c.New, @new).Add(c => c.ChangedKeys, new HashSet<string> { "a" }));

        Assert.Equal(["a changed", "b unchanged", "c removed", "d added"], Pairs(diff));
        var removed = PairRow(diff, "c");
        Assert.Equal(RevisionDiff.Mask, removed.QuerySelector("td.diff-old")!.TextContent);
        Assert.Equal("—", removed.QuerySelector("td.diff-new")!.TextContent);
    }

    [Fact]
    public void Render_RevealedValues_ComparesTheValuesThemselves()
    {
        var old = Credential(1, ["a", "b"]) with { Values = new Dictionary<string, string> { ["a"] = "one", ["b"] = "same" } };
        var @new = Credential(2, ["a", "b"]) with { Values = new Dictionary<string, string> { ["a"] = "two", ["b"] = "same" } };

        var diff = Render<RevisionDiff>(p => p.Add(c => c.Old, old).Add(c => c.New, @new));

        Assert.Equal(["a changed", "b unchanged"], Pairs(diff));
        Assert.Equal("one", PairRow(diff, "a").QuerySelector("td.diff-old")!.TextContent);
        Assert.Equal("two", PairRow(diff, "a").QuerySelector("td.diff-new")!.TextContent);
        Assert.DoesNotContain(RevisionDiff.Mask, diff.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ChangedFields_HighlightsOnlyThose()
    {
        var old = Credential(1, []) with { Documentation = "rotate monthly", Tags = ["pci"], Metadata = new Dictionary<string, string> { ["owner"] = "ops" } };
        var @new = Credential(2, []) with { Name = "renamed", Enabled = false, Documentation = "rotate monthly", Tags = ["pci", "sox"] };

        var diff = Render<RevisionDiff>(p => p.Add(c => c.Old, old).Add(c => c.New, @new));

        Assert.Equal("changed", Status(diff, "Name"));
        Assert.Equal("changed", Status(diff, "Enabled"));
        Assert.Equal("unchanged", Status(diff, "Documentation"));
        Assert.Equal("changed", Status(diff, "Tags"));
        Assert.Equal("removed", Status(diff, "Metadata: owner"));
        Assert.Equal("pci, sox", Row(diff, "Tags").QuerySelector("td.diff-new")!.TextContent);
    }

    [Fact]
    public void Render_Services_ShowsMappingsInsteadOfPairs()
    {
        var old = Service(1, ["cred-1"], null);
        var @new = Service(2, ["cred-1", "cred-2"], "prod");

        var diff = Render<RevisionDiff>(p => p.Add(c => c.Old, old).Add(c => c.New, @new));

        Assert.Equal("changed", Status(diff, "Credentials"));
        Assert.Equal("changed", Status(diff, "Account"));
        Assert.Equal("unchanged", Status(diff, "Blind credentials"));
        Assert.Empty(diff.FindAll("tr.diff-pair"));
        Assert.DoesNotContain(diff.FindAll("tr"), r => r.TextContent.Contains("Documentation", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_ScriptInFields_RendersAsText()
    {
        const string payload = "<script>alert(1)</script>";
        var old = Credential(1, [payload]) with { Name = payload, Values = new Dictionary<string, string> { [payload] = payload } };
        var @new = Credential(2, [payload]) with { Documentation = payload, Values = new Dictionary<string, string> { [payload] = "<img src=x onerror=alert(1)>" } };

        var diff = Render<RevisionDiff>(p => p.Add(c => c.Old, old).Add(c => c.New, @new));

        Assert.Empty(diff.FindAll("script"));
        Assert.Empty(diff.FindAll("img"));
        Assert.Contains("&lt;script&gt;", diff.Markup, StringComparison.Ordinal);
    }

    private static RevisionDiff.Snapshot Credential(int revision, string[] keys) => new()
    {
        Revision = revision,
        Name = "db",
        Enabled = true,
        ModifiedBy = "alice@example.com",
        ModifiedDate = Monday.AddHours(revision),
        Keys = keys,
    };

    private static RevisionDiff.Snapshot Service(int revision, string[] credentials, string? account) => new()
    {
        Revision = revision,
        Name = "billing",
        Enabled = true,
        ModifiedBy = "alice@example.com",
        ModifiedDate = Monday.AddHours(revision),
        Credentials = credentials,
        Account = account,
        IsService = true,
    };

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<RevisionDiff> diff, string label) =>
        diff.FindAll("tr.diff-row").Single(r => r.QuerySelector("th")!.TextContent.Trim().StartsWith(label, StringComparison.Ordinal));

    private static AngleSharp.Dom.IElement PairRow(IRenderedComponent<RevisionDiff> diff, string key) => Row(diff, $"Pair: {key}");

    private static string Status(IRenderedComponent<RevisionDiff> diff, string label) =>
        Row(diff, label).ClassList.Single(c => c.StartsWith("diff-", StringComparison.Ordinal) && c is not "diff-row" and not "diff-pair")["diff-".Length..];

    private static List<string> Pairs(IRenderedComponent<RevisionDiff> diff) =>
        diff.FindAll("tr.diff-pair").Select(r =>
        {
            var key = r.QuerySelector("th")!.ChildNodes[0].TextContent.Trim()["Pair: ".Length..];
            return $"{key} {Status(diff, $"Pair: {key}")}";
        }).ToList();
}
