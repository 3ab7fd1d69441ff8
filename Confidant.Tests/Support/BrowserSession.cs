using System.Runtime.CompilerServices;
using Confidant.Services.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Support;

/// <summary>
/// The real app on Kestrel (embedded defaults in a temp directory, development sign-in) driven by Debian Chromium
/// headless. Collects console errors and CSP violations, and writes screenshots under
/// <c>TestResults/screenshots</c> of the test run directory.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime, IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Headless Chromium switches for a shared CI machine (no sandbox, GPU or background traffic).</summary>
    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];

    private readonly List<string> _problems = [];
    private readonly List<string> _dialogs = [];
    private readonly TempDirectory _data = new();
    private readonly string[] _settings;
    private ConfidantAppHost? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage? _page;

    /// <summary>The app's base URL, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The app's services, to seed data through the domain services.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The session has not started.");

    public IPage Page => _page ?? throw new InvalidOperationException("The session has not started.");

    /// <summary>Console errors, page errors and Content Security Policy violations seen so far.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Messages of JavaScript dialogs (alert, confirm, prompt) the page opened; each is dismissed.</summary>
    public IReadOnlyList<string> Dialogs => _dialogs;

    /// <summary>
    /// <c>$CONFIDANT_TEST_ARTIFACTS/screenshots</c> (test.sh points it at the repository's TestResults), else
    /// <c>TestResults/screenshots</c> under the test run's directory.
    /// </summary>
    public static string ScreenshotDirectory => Path.Combine(
        Environment.GetEnvironmentVariable("CONFIDANT_TEST_ARTIFACTS") is { Length: > 0 } artifacts
            ? artifacts
            : Path.Combine(Directory.GetCurrentDirectory(), "TestResults"),
        "screenshots");

    /// <summary>The domain caller matching a person signed in through the development form with an e-mail name.</summary>
    public static ConfidantPrincipal Person(string email, string role = ConfidantRoles.Admin) =>
        ConfidantPrincipal.ForUser(email, email, new HashSet<string>(StringComparer.Ordinal) { role });

    private BrowserSession(string[] settings) => _settings = settings;

    /// <summary>
    /// Starts the app, with <paramref name="settings"/> (<c>--Section:Key=value</c>) over the defaults, and the browser;
    /// the caller disposes the session.
    /// </summary>
    public static async Task<BrowserSession> StartAsync(params string[] settings)
    {
        var session = new BrowserSession(settings);
        try
        {
            await session.InitializeAsync();
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        // A missing browser is a failure: a silently skipped browser test hides a broken UI.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing; install Debian's chromium package (./test.sh does).");
        }

        _app = ConfidantAppHost.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Storage:Sqlite:Path={_data.File("confidant.db")}",
            $"--Kms:LocalKeyRingPath={_data.File("keyring.json")}",
            .. _settings,
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        _page = await OpenPageAsync(storageState: null);
    }

    /// <summary>
    /// Goes on in a new page of a new browser context with this one's cookies (the sign-in kept), and closes the old
    /// one: Playwright keeps every request and response of a context in this process until the context closes, which a
    /// long run of loads in one page would pile up.
    /// </summary>
    public async Task RenewPageAsync()
    {
        var old = Page;
        _page = await OpenPageAsync(await old.Context.StorageStateAsync());
        await old.Context.CloseAsync();
    }

    private async Task<IPage> OpenPageAsync(string? storageState)
    {
        var page = await _browser!.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            StorageState = storageState,
        });
        // A whole test run shares two cores: allow a slow start rather than fail on it.
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(60_000);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" || message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (_problems)
                {
                    _problems.Add($"{message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_problems)
            {
                _problems.Add(error);
            }
        };
        page.Dialog += (_, dialog) =>
        {
            lock (_dialogs)
            {
                _dialogs.Add($"{dialog.Type}: {dialog.Message}");
            }

            // A page waiting on an open dialog would stall the test; the record above is what is asserted.
            _ = dialog.DismissAsync();
        };
        return page;
    }

    /// <summary>Signs in through the development sign-in form and waits for the Blazor circuit.</summary>
    public async Task SignInAsync(string name, string role = ConfidantRoles.Admin, string returnPath = "/")
    {
        // A second attempt, reported on standard error, when the first does not arrive: on a busy run the form's
        // submit has once gone nowhere (no request, the page left on the form), which no other step waits out.
        for (var attempt = 1; ; attempt++)
        {
            await Page.GotoAsync(BaseUrl + "/signin?returnUrl=" + Uri.EscapeDataString(returnPath));
            await Page.FillAsync("#name", name);
            await Page.SelectOptionAsync("#role", role);
            await Page.ClickAsync("button[type=submit]");
            try
            {
                await Page.WaitForURLAsync(BaseUrl + returnPath, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 30_000 });
                break;
            }
            catch (TimeoutException) when (attempt == 1)
            {
                var text = await Page.InnerTextAsync("body");
                await Console.Error.WriteLineAsync(
                    $"Sign-in as {name} did not arrive at {returnPath}: the page is {Page.Url}, showing '{text[..Math.Min(text.Length, 300)]}'. Trying again.");
            }
        }

        await WaitForCircuitAsync();
    }

    /// <summary>Loads a page of the app (a full load, so a new circuit) and waits until it is interactive.</summary>
    public async Task GotoAsync(string path)
    {
        await Page.GotoAsync(BaseUrl + path);
        await WaitForCircuitAsync();
    }

    /// <summary>
    /// Waits for the layout's interactive marker: a click before the circuit attaches is silently lost.
    /// </summary>
    public async Task WaitForCircuitAsync()
    {
        try
        {
            await Page.WaitForSelectorAsync("#circuit[data-interactive=true]", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail("The Blazor circuit did not attach. Browser errors: " + string.Join(" | ", Problems));
        }
    }

    /// <summary>Saves a full-page screenshot as <c>TestResults/screenshots/&lt;test&gt;-&lt;step&gt;.png</c>.</summary>
    public async Task<string> ScreenshotAsync(string step, [CallerMemberName] string test = "")
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var file = Path.Combine(ScreenshotDirectory, $"{Safe(test)}-{Safe(step)}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        return file;
    }

    /// <summary>Fails with the collected messages when the browser reported errors or CSP violations.</summary>
    public void AssertNoProblems()
    {
        lock (_problems)
        {
            Assert.True(_problems.Count == 0, string.Join(" | ", _problems));
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static string Safe(string text) =>
        string.Concat(text.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
