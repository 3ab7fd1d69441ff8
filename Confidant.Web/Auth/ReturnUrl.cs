namespace Confidant.Web.Auth;

/// <summary>Open-redirect guard for sign-in / sign-out: only local paths are followed.</summary>
internal static class ReturnUrl
{
    public const string Default = "/";

    public static string LocalOrDefault(string? returnUrl) => IsLocal(returnUrl) ? returnUrl! : Default;

    // Same rules as IUrlHelper.IsLocalUrl, minus "~/": "//host" and "/\host" are protocol-relative to browsers.
    // Control characters are rejected too because browsers strip tabs and newlines ("/\t/host" becomes "//host").
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return false;
        }

        return !url.Any(char.IsControl);
    }
}
