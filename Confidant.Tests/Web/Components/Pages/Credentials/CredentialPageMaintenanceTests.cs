using Bunit;
using Confidant.Services.Authorization;
using Confidant.Tests.Support;
using Confidant.Web.Components.Layout;
using Confidant.Web.Components.Pages.Credentials;
using Microsoft.AspNetCore.Components;

namespace Confidant.Tests.Web.Components.Pages.Credentials;

/// <summary>Spec §9.7 in the UI: maintenance mode shows a banner and offers no save, as the domain refuses writes.</summary>
public sealed class CredentialPageMaintenanceTests : ResourceComponentTestContext
{
    // The touch file switches maintenance mode on after the test data is written through the domain.
    private readonly string _touchFile = Path.Combine(Path.GetTempPath(), $"confidant-maintenance-{Guid.NewGuid():N}");

    public CredentialPageMaintenanceTests() => DomainSettings["Api:MaintenanceModeTouchFile"] = _touchFile;

    [Fact]
    public async Task Render_MaintenanceMode_SaveDisabled()
    {
        var created = await CreateCredentialAsync("billing-db");
        SignIn(ConfidantRoles.Editor);
        await using var _ = await MaintenanceOnAsync();

        var page = Render<CredentialPage>(parameters => parameters.Add(p => p.Id, created.Item.Id));
        await page.WaitForStateAsync(() => page.FindAll(".mud-progress-linear").Count == 0);

        Assert.True(page.Find("#save-credential").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Render_Layout_MaintenanceBannerOnlyWhileOn()
    {
        var layout = RenderLayout();
        Assert.Empty(layout.FindAll("#maintenance-banner"));
        await using var _ = await MaintenanceOnAsync();

        layout.Render();

        Assert.Contains("maintenance mode", layout.Find("#maintenance-banner").TextContent, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<IAsyncDisposable> MaintenanceOnAsync()
    {
        await File.WriteAllTextAsync(_touchFile, string.Empty);
        return new TouchFile(_touchFile);
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(parameters => parameters.Add(p => p.Body, (RenderFragment)(builder => builder.AddContent(0, "page"))));

    private sealed class TouchFile(string path) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            File.Delete(path);
            return ValueTask.CompletedTask;
        }
    }
}
