using System.Globalization;

namespace Confidant.Services.KmsAuth;

/// <summary>A kmsauth username (spec §2.2): <c>name</c> (v1, a service) or <c>2/&lt;user_type&gt;/&lt;name&gt;</c>.</summary>
public sealed record KmsAuthUsername(int Version, string UserType, string From)
{
    /// <summary>Parses a username; malformed ones (the original answered 500) are refused with null.</summary>
    public static KmsAuthUsername? TryParse(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return null;
        }

        var parts = username.Split('/');
        if (parts.Length == 1)
        {
            return new KmsAuthUsername(1, "service", username);
        }

        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return null;
        }

        return new KmsAuthUsername(version, parts[1], parts[2]);
    }

    /// <summary>The encryption context the token must have been encrypted under (spec §2.3 step 4).</summary>
    public IReadOnlyDictionary<string, string> EncryptionContext(string to)
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal) { ["to"] = to, ["from"] = From };
        if (Version > 1)
        {
            context["user_type"] = UserType;
        }

        return context;
    }

    public override string ToString() => Version == 1 ? From : string.Create(CultureInfo.InvariantCulture, $"{Version}/{UserType}/{From}");
}
