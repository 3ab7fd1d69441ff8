using Confidant.Services.Authorization;
using Confidant.Services.Notifications;
using Confidant.Services.Notifications.Deliveries;
using Confidant.Web.Auth.Origins;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Confidant.Web.Components.Pages.Notifications;

/// <summary>
/// The delivery log for admins: every attempt of every notification channel, newest first, a page at a time, filtered
/// by channel, endpoint, event and outcome. The domain's <see cref="DeliveryLogReader"/> decides who may read it.
/// </summary>
public sealed partial class NotificationDeliveries
{
    private const int PageSize = 100;

    private static readonly IReadOnlyList<ChoiceButtons<string>.Choice> ChannelChoices =
    [
        new(string.Empty, "any", "Every channel"),
        new(DeliveryChannels.Webhook, DeliveryChannels.Webhook, "Webhooks"),
        new(DeliveryChannels.Email, DeliveryChannels.Email, "E-mail"),
    ];

    private static readonly IReadOnlyList<ChoiceButtons<string>.Choice> OutcomeChoices =
    [
        new(string.Empty, "any", "Any outcome"),
        .. DeliveryOutcomes.All.Select(o => new ChoiceButtons<string>.Choice(o, o, char.ToUpperInvariant(o[0]) + o[1..])),
    ];

    private ConfidantPrincipal? _caller;
    private bool _allowed;
    private string? _endpoint;
    private string? _eventId;
    private string _channel = string.Empty;
    private string _outcome = string.Empty;
    private readonly PageLoader<DeliveryAttempt> _attempts = new();

    [Inject] private DeliveryLogReader Deliveries { get; set; } = null!;
    [Inject] private UiCaller Callers { get; set; } = null!;
    [Inject] private IOptions<NotificationsOptions> Options { get; set; } = null!;

    private int RetentionDays => Options.Value.DeliveryLog.RetentionDays;

    protected override async Task OnInitializedAsync()
    {
        _caller = await Callers.GetAsync();
        _allowed = Deliveries.CanRead(_caller);
        if (_allowed)
        {
            await SearchAsync();
        }
    }

    private Task SearchAsync()
    {
        var query = new DeliveryQuery(Blank(_channel), Blank(_endpoint?.Trim()), Blank(_eventId?.Trim()), Blank(_outcome), PageSize);
        return _attempts.StartAsync(async page =>
        {
            var read = await Deliveries.QueryAsync(_caller!, query with { Page = page });
            return (read.Attempts, read.NextPage);
        });
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static Color OutcomeColor(string outcome) => outcome switch
    {
        DeliveryOutcomes.Delivered => Color.Success,
        DeliveryOutcomes.Retrying => Color.Warning,
        _ => Color.Error,
    };
}
