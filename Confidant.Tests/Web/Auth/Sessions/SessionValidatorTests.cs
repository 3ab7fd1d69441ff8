using System.Globalization;
using System.Security.Claims;
using Confidant.Web.Auth;
using Confidant.Web.Auth.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Web.Auth.Sessions;

/// <summary>The circuit side of the session check, for the modes the browser tests do not drive.</summary>
public sealed class SessionValidatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Circuit_HeaderMode_StandsUntilTheRevalidationInterval()
    {
        var sessions = Validator(AuthOptions.HeaderMode);
        var person = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "alice@example.com"), Start(_time.GetUtcNow())], "Header"));

        _time.Advance(TimeSpan.FromSeconds(299));
        var before = await sessions.CheckCircuitAsync(person, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));
        var after = await sessions.CheckCircuitAsync(person, CancellationToken.None);

        Assert.True(before);
        Assert.False(after);
    }

    [Fact]
    public async Task Circuit_SignedOut_EndsAfterTheGraceOfTheSignOutRedirects()
    {
        var sessions = Validator(AuthOptions.DevelopmentMode);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "dev")], "Cookies");
        sessions.Begin(identity);
        var person = new ClaimsPrincipal(identity);

        var signedIn = await sessions.CheckCircuitAsync(person, CancellationToken.None);
        sessions.End(person);
        var cookie = await sessions.CheckCookieAsync(person, null, null, CancellationToken.None);
        var duringRedirects = await sessions.CheckCircuitAsync(person, CancellationToken.None);
        _time.Advance(SessionValidator.SignOutGrace);
        var afterwards = await sessions.CheckCircuitAsync(person, CancellationToken.None);

        Assert.True(signedIn);
        Assert.Null(cookie.Principal);
        Assert.True(duringRedirects);
        Assert.False(afterwards);
    }

    [Fact]
    public async Task Circuit_PastTheAbsoluteLifetime_Ends()
    {
        var sessions = Validator(AuthOptions.DevelopmentMode);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "dev")], "Cookies");
        sessions.Begin(identity);

        _time.Advance(TimeSpan.FromHours(12));

        Assert.False(await sessions.CheckCircuitAsync(new ClaimsPrincipal(identity), CancellationToken.None));
    }

    [Fact]
    public async Task Circuit_WithoutSessionStamps_Ends()
    {
        // A cookie from before sessions were stamped: its person is asked to sign in again.
        var sessions = Validator(AuthOptions.DevelopmentMode);

        Assert.False(await sessions.CheckCircuitAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "dev")], "Cookies")), CancellationToken.None));
    }

    private static Claim Start(DateTimeOffset at) =>
        new(ConfidantClaims.SessionStart, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

    private SessionValidator Validator(string mode)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddOptions<AuthOptions>().Configure(options => options.Mode = mode);
        services.AddSingleton<PersonAdmission>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<ProviderRefresh>();
        services.AddSingleton<SessionValidator>();
        return services.BuildServiceProvider().GetRequiredService<SessionValidator>();
    }
}
