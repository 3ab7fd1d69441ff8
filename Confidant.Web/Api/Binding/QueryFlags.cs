using System.Globalization;

namespace Confidant.Web.Api.Binding;

/// <summary>Query-string rules of spec §1.1.</summary>
public static class QueryFlags
{
    /// <summary>True only for <c>True</c>, <c>true</c> and <c>1</c>.</summary>
    public static bool IsTrue(string? value) => value is "True" or "true" or "1";

    /// <summary>An int, or null when absent or not parseable (the default is then used).</summary>
    public static int? LenientInt(string? value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
}
