namespace Confidant.Services.Certificates;

/// <summary>
/// Error strings of the certificate routes. The refusals and the 429 text are the original's (spec §4.7, §4.11;
/// wire-visible, do not reword); the rest answer requests the original failed on with a 500.
/// </summary>
public static class CertificateMessages
{
    public const string Pending = "Certificate being requested, please wait and try again.";
    public const string CsrWithoutCommonName = "csr must have a common name (CN)";
    public const string CsrUnsupportedAlternativeName =
        "csr subject alternative names must be DNS names, IP addresses, e-mail addresses or URIs";

    public const string ValidityNotPositive = "validity must be a positive whole number of days";
    public const string CommonNameTooLong = "cn must be at most 64 characters";
    public const string BadAlternativeName = "san must be DNS names of at most 253 printable ASCII characters";
    public const string TooManyAlternativeNames = "at most 100 san values may be requested";

    public static string CannotGetCertificate(string user, string cn, string ca) =>
        $"{user} does not have access to get certificate cn {cn} against ca {ca}";

    /// <summary>The original's message for the CSR route, with its literal braces and missing space (spec §13.15).</summary>
    public static string CannotGetCertificateFromCsr(string user) =>
        user + " does not have access to getcertificate cn {cn} against ca {ca}";

    public static string CannotListCas(string user) => $"{user} does not have access to list cas";

    public static string CannotGetCa(string user, string ca) => $"{user} does not have access to get ca {ca}";
}
