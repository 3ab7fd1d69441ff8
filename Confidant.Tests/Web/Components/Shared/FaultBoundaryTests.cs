using Bunit;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Tests.Support;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The folder mirrors Confidant.Web/Components/Shared, the Blazor layout (STYLE §2).
#pragma warning disable CA1716
namespace Confidant.Tests.Web.Components.Shared;
#pragma warning restore CA1716

public sealed class FaultBoundaryTests : ComponentTestContext
{
    private readonly CapturedLogs _logs = new();
    private readonly Trouble _trouble = new();

    public FaultBoundaryTests()
    {
        Services.AddSingleton(new FaultLog(LoggerFactory.Create(l => l.AddProvider(_logs)).CreateLogger<FaultLog>(), TimeProvider.System));
    }

    [Fact]
    public void Render_ContentFindsTheStoreDown_SaysSoInPlaceWithoutLogging()
    {
        _trouble.Next = new DependencyUnavailableException(Dependency.Store, FailureClass.Unreachable);

        var cut = RenderFailing();

        Assert.Contains("The store is unavailable; try again later.", cut.Find(".fault-unavailable").TextContent, StringComparison.Ordinal);
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public void TryAgain_StoreBackAfterAFailure_ShowsTheContent()
    {
        _trouble.Next = new DependencyUnavailableException(Dependency.KeyService, FailureClass.TimedOut);
        var cut = RenderFailing();

        _trouble.Next = null;
        cut.Find(".fault-unavailable button").Click();

        Assert.Equal("content", cut.Find("#content").TextContent);
    }

    [Fact]
    public void Render_ContentHasABug_GenericMessageAndTheErrorLogged()
    {
        _trouble.Next = new InvalidOperationException("bug");

        var cut = RenderFailing();

        Assert.NotEmpty(cut.FindAll(".fault-unexpected"));
        var line = Assert.Single(_logs.Entries);
        Assert.IsType<InvalidOperationException>(line.Exception);
    }

    private IRenderedComponent<FaultBoundary> RenderFailing() =>
        Render<FaultBoundary>(p => p.AddChildContent<Failing>(c => c.Add(f => f.Trouble, _trouble)));

    /// <summary>What the next render of <see cref="Failing"/> throws, if anything.</summary>
    private sealed class Trouble
    {
        public Exception? Next { get; set; }
    }

    /// <summary>Throws its trouble while rendering, or shows its content when there is none.</summary>
    private sealed class Failing : ComponentBase
    {
        [Parameter]
        public Trouble Trouble { get; set; } = null!;

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            if (Trouble.Next is { } error)
            {
                throw error;
            }

            builder.OpenElement(0, "span");
            builder.AddAttribute(1, "id", "content");
            builder.AddContent(2, "content");
            builder.CloseElement();
        }
    }
}
