using Microsoft.Extensions.Options;

namespace Confidant.Web.Network;

/// <summary>
/// The reverse proxies in front of the app. Only they may say who the client is (<c>X-Forwarded-For</c>) and whether
/// the request came over TLS (<c>X-Forwarded-Proto</c>); in header sign-in, only they may name the person.
/// </summary>
internal sealed class NetworkOptions
{
    public const string SectionName = "Network";

    /// <summary>Addresses (<c>10.0.0.5</c>, <c>::1</c>) or networks (<c>10.0.0.0/8</c>); empty trusts no proxy.</summary>
    public string[] TrustedProxies { get; set; } = [];
}

internal sealed class NetworkOptionsValidator(IConfiguration configuration) : IValidateOptions<NetworkOptions>
{
    /// <summary>ASP.NET's own switch (ASPNETCORE_FORWARDEDHEADERS_ENABLED), read from the host configuration.</summary>
    public const string ForwardedHeadersEnabledKey = "FORWARDEDHEADERS_ENABLED";

    public ValidateOptionsResult Validate(string? name, NetworkOptions options)
    {
        List<string> failures = [];
        for (var i = 0; i < options.TrustedProxies.Length; i++)
        {
            if (!TrustedProxies.TryParse(options.TrustedProxies[i], out _))
            {
                failures.Add($"{NetworkOptions.SectionName}:TrustedProxies:{i} '{options.TrustedProxies[i]}' is not an IP address " +
                    "or a network such as 10.0.0.0/8.");
            }
        }

        // That switch believes forwarded headers from every peer, so anyone could forge the audited client address.
        if (bool.TryParse(configuration[ForwardedHeadersEnabledKey], out var enabled) && enabled)
        {
            failures.Add("ASPNETCORE_FORWARDEDHEADERS_ENABLED trusts forwarded headers from any peer; unset it and list the " +
                $"proxies in {NetworkOptions.SectionName}:TrustedProxies instead.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
