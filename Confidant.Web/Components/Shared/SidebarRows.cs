using System.Collections;
using Confidant.Services.Catalogue;

namespace Confidant.Web.Components.Shared;

/// <summary>A resource of the sidebar's list, or the heading of its kind (no entry); a struct, so a row costs no allocation of its own.</summary>
internal readonly record struct SidebarRow(CatalogueKind Kind, CatalogueEntry? Entry);

/// <summary>
/// The sidebar's rows: each non-empty list of one kind under a heading of its own, as one list read by index. It is a
/// view over the lists it is given, never a copy of them: unfiltered, those are the shared catalogue's own lists, so a
/// circuit holds no row per resource however large the catalogue; the virtualised list reads only the rows in view
/// (by index, as LINQ's Skip and Take do on a list).
/// </summary>
internal sealed class SidebarRows : IList<SidebarRow>, IReadOnlyList<SidebarRow>
{
    private readonly (CatalogueKind Kind, IReadOnlyList<CatalogueEntry> Entries)[] _groups;

    /// <summary>The rows of <paramref name="groups"/>, in that order; a group without entries gets no heading.</summary>
    public SidebarRows(IEnumerable<(CatalogueKind Kind, IReadOnlyList<CatalogueEntry> Entries)> groups)
    {
        _groups = [.. groups.Where(g => g.Entries.Count > 0)];
        Count = _groups.Sum(g => g.Entries.Count + 1);
        Entries = new EntryView(_groups, _groups.Sum(g => g.Entries.Count));
    }

    public static SidebarRows Empty { get; } = new([]);

    /// <summary>Rows, headings included.</summary>
    public int Count { get; }

    /// <summary>The resources alone, in row order.</summary>
    public IReadOnlyCollection<CatalogueEntry> Entries { get; }

    public bool IsReadOnly => true;

    public SidebarRow this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            foreach (var (kind, entries) in _groups)
            {
                if (index == 0)
                {
                    return new SidebarRow(kind, null);
                }

                if (index <= entries.Count)
                {
                    return new SidebarRow(kind, entries[index - 1]);
                }

                index -= entries.Count + 1;
            }

            throw new ArgumentOutOfRangeException(nameof(index));
        }

        set => throw new NotSupportedException();
    }

    /// <summary>The rows of <paramref name="entries"/> (a filtered list, in catalogue order), grouped by their kind.</summary>
    public static SidebarRows Of(List<CatalogueEntry> entries) =>
        new(entries.GroupBy(e => e.Kind).Select(g => (g.Key, (IReadOnlyList<CatalogueEntry>)[.. g])));

    public IEnumerator<SidebarRow> GetEnumerator()
    {
        foreach (var (kind, entries) in _groups)
        {
            yield return new SidebarRow(kind, null);
            foreach (var entry in entries)
            {
                yield return new SidebarRow(kind, entry);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(SidebarRow item)
    {
        var index = 0;
        foreach (var row in this)
        {
            if (row == item)
            {
                return index;
            }

            index++;
        }

        return -1;
    }

    public bool Contains(SidebarRow item) => IndexOf(item) >= 0;

    public void CopyTo(SidebarRow[] array, int arrayIndex)
    {
        foreach (var row in this)
        {
            array[arrayIndex++] = row;
        }
    }

    public void Add(SidebarRow item) => throw new NotSupportedException();

    public void Clear() => throw new NotSupportedException();

    public void Insert(int index, SidebarRow item) => throw new NotSupportedException();

    public bool Remove(SidebarRow item) => throw new NotSupportedException();

    public void RemoveAt(int index) => throw new NotSupportedException();

    private sealed class EntryView((CatalogueKind Kind, IReadOnlyList<CatalogueEntry> Entries)[] groups, int count) : IReadOnlyCollection<CatalogueEntry>
    {
        public int Count => count;

        public IEnumerator<CatalogueEntry> GetEnumerator() => groups.SelectMany(g => g.Entries).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
