using System.Globalization;

namespace Confidant.Services.Revisions;

/// <summary>Revision record ids: <c>&lt;id&gt;-&lt;n&gt;</c> (spec §6.3).</summary>
public static class RevisionId
{
    public static string Of(string baseId, int revision) =>
        string.Create(CultureInfo.InvariantCulture, $"{baseId}-{revision}");

    /// <summary>The base id of a revision record id whose revision is known (service ids may contain dashes).</summary>
    public static string BaseOf(string revisionId, int revision)
    {
        var suffix = string.Create(CultureInfo.InvariantCulture, $"-{revision}");
        return revisionId.EndsWith(suffix, StringComparison.Ordinal) ? revisionId[..^suffix.Length] : revisionId;
    }
}
