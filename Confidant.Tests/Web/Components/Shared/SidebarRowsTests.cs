using Confidant.Services.Catalogue;
using Confidant.Web.Components.Shared;

namespace Confidant.Tests.Web.Components.Shared;

public sealed class SidebarRowsTests
{
    private static readonly DateTimeOffset Modified = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Index_SeveralKinds_EachUnderItsHeadingAndAnEmptyKindLeftOut()
    {
        IReadOnlyList<CatalogueEntry> credentials = [Entry(CatalogueKind.Credential, "a"), Entry(CatalogueKind.Credential, "b")];
        IReadOnlyList<CatalogueEntry> services = [Entry(CatalogueKind.Service, "s")];

        var rows = new SidebarRows([(CatalogueKind.Credential, credentials), (CatalogueKind.BlindCredential, []), (CatalogueKind.Service, services)]);

        Assert.Equal(5, rows.Count);
        Assert.Equal(3, rows.Entries.Count);
        Assert.Equal(
            [(CatalogueKind.Credential, null), (CatalogueKind.Credential, "a"), (CatalogueKind.Credential, "b"), (CatalogueKind.Service, null), (CatalogueKind.Service, "s")],
            Enumerable.Range(0, rows.Count).Select(i => (rows[i].Kind, rows[i].Entry?.Name)));
        Assert.Equal(rows.Select(r => (r.Kind, r.Entry?.Name)), Enumerable.Range(0, rows.Count).Select(i => (rows[i].Kind, rows[i].Entry?.Name)));
        Assert.Throws<ArgumentOutOfRangeException>(() => rows[5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows[-1]);
    }

    [Fact]
    public void Window_OfALargeList_ReadsTheSharedEntriesThemselves()
    {
        IReadOnlyList<CatalogueEntry> credentials = [.. Enumerable.Range(0, 100_000).Select(i => Entry(CatalogueKind.Credential, $"c{i:D6}"))];

        var rows = new SidebarRows([(CatalogueKind.Credential, credentials)]);
        var window = rows.Skip(50_001).Take(3).ToList();

        // What the virtualised list does with its items: the rows in view only, each the catalogue's own entry.
        Assert.Equal(["c050000", "c050001", "c050002"], window.Select(r => r.Entry!.Name));
        Assert.Same(credentials[50_000], window[0].Entry);
        Assert.Equal(2, rows.IndexOf(new SidebarRow(CatalogueKind.Credential, credentials[1])));
    }

    [Fact]
    public void Of_FilteredEntries_GroupedAgainByKind()
    {
        var rows = SidebarRows.Of([Entry(CatalogueKind.Credential, "a"), Entry(CatalogueKind.BlindCredential, "b"), Entry(CatalogueKind.BlindCredential, "c")]);

        Assert.Equal(
            [(CatalogueKind.Credential, null), (CatalogueKind.Credential, "a"), (CatalogueKind.BlindCredential, null), (CatalogueKind.BlindCredential, "b"), (CatalogueKind.BlindCredential, "c")],
            rows.Select(r => (r.Kind, r.Entry?.Name)));
        Assert.Empty(SidebarRows.Of([]));
    }

    private static CatalogueEntry Entry(CatalogueKind kind, string name) =>
        new(kind, "id-" + name, name, true, 1, Modified, null, 0, null, null);
}
