using Bunit;
using Bunit.TestDoubles;
using Confidant.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Confidant.Tests.Support;

/// <summary>bUnit context with MudBlazor services, loose JS interop and an authorization context.</summary>
public class ComponentTestContext : BunitContext, IAsyncLifetime
{
    public ComponentTestContext()
    {
        Services.AddMudServices(options => options.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddScoped<BrowserTimeZone>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Authorization = AddAuthorization();
    }

    public BunitAuthorizationContext Authorization { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that are only IAsyncDisposable; xunit 2 would otherwise call the sync Dispose.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
