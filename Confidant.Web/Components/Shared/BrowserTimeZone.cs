using Microsoft.JSInterop;

namespace Confidant.Web.Components.Shared;

/// <summary>
/// The time zone of the browser behind this circuit, asked once through JS interop. Until it is known, or where the
/// browser names a zone this server does not know, times are shown in UTC.
/// </summary>
internal sealed class BrowserTimeZone(IJSRuntime js)
{
    private Task<TimeZoneInfo>? _zone;

    public TimeZoneInfo? Known { get; private set; }

    /// <summary>Asks the browser once per circuit; must be called after the first render (JS interop is live then).</summary>
    public Task<TimeZoneInfo> GetAsync() => _zone ??= LoadAsync();

    private async Task<TimeZoneInfo> LoadAsync()
    {
        TimeZoneInfo zone;
        try
        {
            var name = await js.InvokeAsync<string>("confidant.timeZone");
            zone = name is not null && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var found) ? found : TimeZoneInfo.Utc;
        }
        catch (Exception error) when (error is JSException or JSDisconnectedException or TaskCanceledException or InvalidOperationException)
        {
            zone = TimeZoneInfo.Utc;
        }

        Known = zone;
        return zone;
    }
}
