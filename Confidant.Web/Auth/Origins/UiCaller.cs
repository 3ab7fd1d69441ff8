using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth.Origins;

/// <summary>
/// The caller of a UI page: the circuit's signed-in person, with the page they are on and the browser the circuit
/// runs in (<see cref="CircuitClient"/>), for the audit trail. Pages ask here rather than build the caller themselves.
/// </summary>
internal sealed class UiCaller
{
    private readonly AuthenticationStateProvider _authentication;
    private readonly NavigationManager _navigation;
    private readonly CircuitClient _client;
    private readonly AuthOptions _options;

    public UiCaller(AuthenticationStateProvider authentication, NavigationManager navigation, CircuitClient client, IOptions<AuthOptions> options)
    {
        _authentication = authentication;
        _navigation = navigation;
        _client = client;
        _options = options.Value;
    }

    public async Task<ConfidantPrincipal> GetAsync()
    {
        var user = (await _authentication.GetAuthenticationStateAsync()).User;
        return user.ToConfidantPrincipal() with
        {
            Address = _client.Address,
            AuthMethod = CallerOrigins.AuthMethod(user, _options),
            Origin = new AuditOrigin(AuditChannels.Ui, Page(), _client.Address, _client.UserAgent),
        };
    }

    /// <summary>The page's path ("/credentials/ab12"), without query or fragment.</summary>
    private string Page()
    {
        var relative = _navigation.ToBaseRelativePath(_navigation.Uri);
        var end = relative.AsSpan().IndexOfAny('?', '#');
        return "/" + (end < 0 ? relative : relative[..end]);
    }
}

internal static class UiCallerExtensions
{
    /// <summary>The UI's callers: <see cref="UiCaller"/> and the circuit's browser it reads.</summary>
    public static IServiceCollection AddUiCallers(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<CircuitClient>();
        services.AddScoped<CircuitHandler, CircuitClient.Capturing>();
        services.AddScoped<UiCaller>();
        return services;
    }
}
