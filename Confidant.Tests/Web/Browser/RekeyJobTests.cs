using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Confidant.Tests.Web.Browser;

/// <summary>
/// After the master key moves to a new key, an admin starts a re-wrap from the re-encryption page and watches it run
/// to 100 %; then the old key is disabled and every credential still reads, over REST and through the domain.
/// </summary>
[Collection(BrowserCollection.CollectionName)]
public sealed class RekeyJobTests : IAsyncLifetime
{
    private const string Admin = "ada@example.com";

    // Two key-service calls per re-wrapped item: about ten items a second, so the page shows the job part-way.
    private const int KmsCallsPerSecond = 20;

    private BrowserSession _browser = null!;

    public async Task InitializeAsync() =>
        _browser = await BrowserSession.StartAsync($"--Rekey:KmsCallsPerSecond={KmsCallsPerSecond}");

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task RewrapStartedFromThePage_ProgressReachesFullAndEveryCredentialReadsWithTheOldKeyDisabled()
    {
        var page = _browser.Page;
        var seed = await RekeySeed.WriteAsync(_browser.Services, credentials: 12, revisions: 3);
        var ring = _browser.Services.GetRequiredService<ILocalKeyRing>();
        var alias = new KmsOptions().MasterKeyId;
        var oldKey = (await _browser.Services.GetRequiredService<IKeyService>().DescribeKeyAsync(alias)).Arn;
        var newKey = ring.Rotate(alias).Arn;
        await _browser.SignInAsync(Admin);

        await _browser.GotoAsync("/rekey");
        await Assertions.Expect(page.Locator("#rekey-none")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#rekey-mode-rewrap")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.ClickAsync("#rekey-start");

        // The page follows the job by itself: every figure it shows on the way, until it reports completion.
        var job = page.Locator("#rekey-job");
        var seen = new List<double>();
        var watch = Stopwatch.StartNew();
        while (await job.GetAttributeAsync("data-status") is not "completed" && watch.Elapsed < TimeSpan.FromSeconds(90))
        {
            seen.Add(Percent(await page.Locator("#rekey-percent").TextContentAsync()));
            if (seen.Count == 5)
            {
                await _browser.ScreenshotAsync("1-running");
            }

            await Task.Delay(200);
        }

        Assert.Contains(seen, p => p is > 0 and < 100);
        Assert.Equal(seen.Order(), seen);
        await Assertions.Expect(job).ToHaveAttributeAsync("data-status", "completed");
        await Assertions.Expect(page.Locator("#rekey-percent")).ToHaveTextAsync("100.0 %");
        await Assertions.Expect(page.Locator("#rekey-counts")).ToHaveTextAsync(
            $"{seed.Items} of {seed.Items} items: {seed.Items} rewritten, 0 skipped (already under the target key), 0 failed");
        await Assertions.Expect(page.Locator("#rekey-target")).ToHaveTextAsync(newKey);
        await Assertions.Expect(page.Locator("#rekey-new")).ToBeVisibleAsync();
        await _browser.ScreenshotAsync("2-completed");

        // Every data key is under the new key; with the old one disabled, every credential reads what was written.
        Assert.All(await RekeySeed.WrappingKeysAsync(_browser.Services), item => Assert.Equal(newKey, item.KeyArn));
        ring.SetEnabled(oldKey, enabled: false);
        foreach (var (id, values) in seed.Values)
        {
            var response = await page.Context.APIRequest.GetAsync($"{_browser.BaseUrl}/v1/credentials/{id}");
            Assert.Equal(200, response.Status);
            using var body = JsonDocument.Parse(await response.TextAsync());
            Assert.Equal(values[^1], body.RootElement.GetProperty("credential_pairs").GetProperty("password").GetString());
        }

        await seed.AssertEveryRevisionReadsAsync(_browser.Services);
        _browser.AssertNoProblems();
    }

    private static double Percent(string? text) =>
        double.Parse((text ?? string.Empty).Replace(" %", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
