using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Confidant.Services.Audit;

/// <summary>
/// Chain ids: the opening time (UTC, to the second) and 16 random hex digits, e.g. <c>20260401T090000Z-3fa1c2d4e5f60718</c>,
/// so that they sort by age and two processes never pick the same one.
/// </summary>
public static partial class AuditChainId
{
    public static string New(DateTimeOffset openedAt) =>
        openedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-"
        + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static bool IsValid(string? id) => id is not null && Shape().IsMatch(id);

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{16}$")]
    private static partial Regex Shape();
}
