using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Notifications.Owners;
using Confidant.Web.Auth.Origins;
using Microsoft.AspNetCore.Components;

namespace Confidant.Web.Components.Pages.Exposure;

/// <summary>
/// The message to an incident's owners: the default text filled in for the incident, edited by the admin, then sent
/// by e-mail and as the <c>incident_opened</c> event. The incident's pending resources come from its progress
/// (<see cref="IIncidentNotices"/>); the domain's <see cref="OwnerNotifier"/> decides who may send.
/// </summary>
public sealed partial class NotifyOwners
{
    private ConfidantPrincipal? _caller;
    private IncidentNotice? _incident;
    private OwnerNotificationDraft? _draft;
    private OwnerNotification? _sent;
    private string _subject = string.Empty;
    private string _body = string.Empty;
    private bool _sending;
    private string? _error;

    [Parameter] public string Reference { get; set; } = string.Empty;

    [Inject] private OwnerNotifier Owners { get; set; } = null!;
    [Inject] private UiCaller Callers { get; set; } = null!;
    [Inject] private IIncidentNotices Incidents { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _caller = await Callers.GetAsync();
        try
        {
            _incident = await Incidents.GetAsync(_caller, Reference);
            _draft = Owners.Draft(_caller, _incident);
            (_subject, _body) = (_draft.Subject, _draft.Body);
        }
        catch (ConfidantException e)
        {
            _error = e.Message;
        }
    }

    private async Task SendAsync()
    {
        _sending = true;
        _error = null;
        try
        {
            _sent = await Owners.SendAsync(_caller!, _incident!, _subject, _body);
        }
        catch (ConfidantException e)
        {
            _error = e.Message;
        }
        finally
        {
            _sending = false;
        }
    }
}
