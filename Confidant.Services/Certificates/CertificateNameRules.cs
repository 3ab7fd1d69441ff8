using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Certificates;

/// <summary>
/// Which names a service may get certificates for (spec §3.3): each CA's domain pattern, matched at the start of the
/// common name <em>and of every subject alternative name</em> (the original 7.0 checked only the CN), whose
/// <c>service_name</c> group must be non-empty and equal the caller's name. No pattern, or a pattern without that
/// group, allows nothing.
/// </summary>
public sealed class CertificateNameRules
{
    /// <summary>A pattern that takes longer than this on one name denies it (patterns come from operators, names from clients).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private const string ServiceNameGroup = "service_name";

    private readonly Dictionary<string, Regex?> _byCa = new(StringComparer.Ordinal);
    private readonly Regex? _anyCa;

    public CertificateNameRules(IOptions<CertificateOptions> options)
    {
        var settings = options.Value;
        switch (settings.ProviderKind)
        {
            case CertificateProvider.AcmPca:
                foreach (var authority in settings.AcmPca.Authorities)
                {
                    _byCa[authority.Name] = Compile(authority.DomainRegex);
                }

                break;
            case CertificateProvider.Custom:
                // spec §10.8: one CUSTOM_CA_DOMAIN_REGEX for every configured CA.
                _anyCa = Compile(settings.Custom.DomainRegex);
                break;
            default:
                _byCa[LocalCertificateAuthorityOptions.Name] = Compile(settings.Local.DomainRegex);
                break;
        }
    }

    /// <summary>Whether the service <paramref name="serviceName"/> may get a certificate with these names from <paramref name="ca"/>.</summary>
    public bool Allows(string serviceName, string ca, string? commonName, IReadOnlyList<string> alternativeNames)
    {
        var pattern = _byCa.GetValueOrDefault(ca) ?? _anyCa;
        if (pattern is null || string.IsNullOrEmpty(commonName))
        {
            return false;
        }

        return alternativeNames.Prepend(commonName).All(name => NameBelongsTo(pattern, name, serviceName));
    }

    /// <summary>
    /// A pattern in Python syntax (the original's settings) or .NET syntax, anchored at the start as Python's
    /// <c>re.match</c> is; null when unset. Throws <see cref="ArgumentException"/> for an invalid pattern.
    /// </summary>
    public static Regex? Compile(string? pattern) =>
        string.IsNullOrEmpty(pattern)
            ? null
            : new Regex(@"\A(?:" + FromPython(pattern) + ")", RegexOptions.CultureInvariant, MatchTimeout);

    /// <summary>
    /// Python's named groups <c>(?P&lt;name&gt;…)</c> and back-references <c>(?P=name)</c>, and its end of text
    /// <c>\Z</c>, in .NET's spelling; escaped characters are copied as they are.
    /// </summary>
    internal static string FromPython(string pattern)
    {
        var translated = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                translated.Append(pattern[i + 1] == 'Z' ? @"\z" : pattern.AsSpan(i, 2));
                i++;
            }
            else if (string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                translated.Append("(?<");
                i += 3;
            }
            else if (string.CompareOrdinal(pattern, i, "(?P=", 0, 4) == 0 && pattern.IndexOf(')', i) is var close and > 0)
            {
                translated.Append(@"\k<").Append(pattern, i + 4, close - i - 4).Append('>');
                i = close;
            }
            else
            {
                translated.Append(pattern[i]);
            }
        }

        return translated.ToString();
    }

    private static bool NameBelongsTo(Regex pattern, string name, string serviceName)
    {
        try
        {
            var match = pattern.Match(name);
            var group = match.Groups[ServiceNameGroup];
            return match.Success && group.Success && group.Length > 0 && string.Equals(group.Value, serviceName, StringComparison.Ordinal);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
