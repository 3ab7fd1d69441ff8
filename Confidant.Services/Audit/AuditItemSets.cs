using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Confidant.Services.Audit;

/// <summary>
/// The digest that names a list of delivered items in the stores' derived data (the access summary, the resource
/// index, DynamoDB's item lists): the first 16 bytes of the SHA-256 of the list's canonical bytes, as hex. A workload
/// polling its service receives the same list again and again, so the digest is kept with the list instance (the
/// response cache hands out the same one): entries are never changed once recorded.
/// </summary>
internal static class AuditItemSets
{
    private const int IdBytes = 16;

    private static readonly ConditionalWeakTable<IReadOnlyList<AuditItem>, string> Ids = new();

    [ThreadStatic]
    private static AuditCanonical? _canonical;

    /// <summary>The digest naming <paramref name="items"/>.</summary>
    public static string IdOf(IReadOnlyList<AuditItem> items) => Ids.GetValue(items, static list => Compute(list));

    private static string Compute(IReadOnlyList<AuditItem> items)
    {
        Span<byte> hash = stackalloc byte[AuditCanonical.HashSize];
        SHA256.HashData((_canonical ??= new AuditCanonical()).Items(items), hash);
        return Convert.ToHexStringLower(hash[..IdBytes]);
    }
}
