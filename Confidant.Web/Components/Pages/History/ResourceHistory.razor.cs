using Confidant.Services.Authorization;
using Confidant.Services.BlindCredentials;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.Maintenance;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Auth.Origins;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Confidant.Web.Components.Pages.History;

/// <summary>The revisions of one resource, a diff of any two, and revert (spec §4.2, §4.4, §4.5, §9.2).</summary>
public sealed partial class ResourceHistory
{
    private HistoryKind? _kind;
    private ConfidantPrincipal _caller = null!;
    private string? _name;
    private List<RevisionDiff.Snapshot>? _revisions;
    private int _current;
    private int _oldest;
    private int _left;
    private int _right;
    private RevisionDiff.Snapshot? _old;
    private RevisionDiff.Snapshot? _new;
    private HashSet<string>? _changedKeys;
    private bool _revealed;
    private bool _canReveal;
    private bool _canRevert;
    private string? _error;
    private string? _success;
    private bool _conflict;
    private (string Kind, string Id)? _loadedFor;
    private IReadOnlyList<ExposureMark> _marks = [];

    [Parameter] public string Kind { get; set; } = string.Empty;

    [Parameter] public string Id { get; set; } = string.Empty;

    [Inject] private CredentialReader CredentialReader { get; set; } = null!;

    [Inject] private CredentialService CredentialService { get; set; } = null!;

    [Inject] private BlindCredentialService BlindCredentials { get; set; } = null!;

    [Inject] private ServiceMappingService Services { get; set; } = null!;

    [Inject] private IAclPolicy Acl { get; set; } = null!;

    [Inject] private MaintenanceMode Maintenance { get; set; } = null!;

    [Inject] private IDialogService Dialogs { get; set; } = null!;

    [Inject] private UiCaller Callers { get; set; } = null!;

    [Inject] private ExposureIndex Exposures { get; set; } = null!;

    protected override async Task OnParametersSetAsync()
    {
        if ((Kind, Id) == _loadedFor)
        {
            return;
        }

        _loadedFor = (Kind, Id);
        _success = null;
        _caller = await Callers.GetAsync();
        _kind = HistoryKinds.Parse(Kind);
        if (_kind is not { } kind)
        {
            _error = "Unknown kind of resource: history is kept for credentials, blind credentials and services.";
            return;
        }

        var resource = AclResource(kind);
        _canReveal = kind == HistoryKind.Credential && Acl.IsAllowed(_caller, AclResources.Credential, AclActions.Get, Id);
        _canRevert = Acl.IsAllowed(_caller, resource, AclActions.Revert, Id);
        await GuardedAsync(LoadAsync);
    }

    private async Task LoadAsync()
    {
        _revisions = _kind switch
        {
            HistoryKind.Credential => (await CredentialReader.ListRevisionsAsync(_caller, Id)).Select(HistoryKinds.Snapshot).ToList(),
            HistoryKind.BlindCredential => (await BlindCredentials.ListRevisionsAsync(_caller, Id)).Select(HistoryKinds.Snapshot).ToList(),
            _ => (await Services.ListRevisionsAsync(_caller, Id)).Select(HistoryKinds.Snapshot).ToList(),
        };
        _revisions = [.. _revisions.OrderByDescending(r => r.Revision)];
        _marks = _kind is HistoryKind.Service ? [] : (await Exposures.SnapshotAsync()).MarksOf(AclResource(_kind!.Value), Id);
        if (_revisions.Count == 0)
        {
            return;
        }

        _name = _revisions[0].Name;
        _current = _revisions[0].Revision;
        _oldest = _revisions[^1].Revision;
        // Default: what the latest change did.
        await SelectAsync(_revisions.Count > 1 ? _revisions[1].Revision : _current, _current);
    }

    private Task PickAsync(int left, int right) => GuardedAsync(() => SelectAsync(left, right));

    private Task ShiftAsync(int step) => GuardedAsync(() => SelectAsync(_left + step, _right + step));

    private async Task SelectAsync(int left, int right)
    {
        _left = Math.Clamp(left, _oldest, _current);
        _right = Math.Clamp(right, _oldest, _current);
        // A reveal covers the pair of revisions it was asked for; another pair starts masked again.
        _revealed = false;
        await LoadDiffAsync();
    }

    private async Task LoadDiffAsync()
    {
        if (_left == _right)
        {
            (_old, _new, _changedKeys) = (null, null, null);
            return;
        }

        // Old on the left, new on the right, whatever order they were picked in (spec §4.2 diff).
        var (low, high) = _left < _right ? (_left, _right) : (_right, _left);
        if (_kind == HistoryKind.Credential)
        {
            // Revealed, both revisions come in one recorded delivery.
            var (older, newer) = _revealed
                ? await CredentialReader.RevealRevisionsAsync(_caller, Id, low, high)
                : (await CredentialReader.GetRevisionAsync(_caller, Id, low), await CredentialReader.GetRevisionAsync(_caller, Id, high));
            var diff = await CredentialReader.DiffAsync(_caller, Id, low, high);
            (_old, _new, _changedKeys) = (HistoryKinds.Snapshot(older), HistoryKinds.Snapshot(newer), ChangedKeys(diff));
        }
        else
        {
            (_old, _new, _changedKeys) = (_revisions!.Single(r => r.Revision == low), _revisions!.Single(r => r.Revision == high), null);
        }
    }

    private async Task RevealAsync()
    {
        _revealed = true;
        await GuardedAsync(LoadDiffAsync);
        // A refused reveal leaves the masked diff in place.
        _revealed = _error is null;
    }

    private Task HideAsync() => GuardedAsync(() => SelectAsync(_left, _right));

    private async Task RevertAsync()
    {
        if (_old is not { } target)
        {
            return;
        }

        var parameters = new DialogParameters<RevertDialog> { { d => d.Name, _name ?? Id }, { d => d.Revision, target.Revision } };
        var dialog = await Dialogs.ShowAsync<RevertDialog>("Revert", parameters);
        var result = await dialog.Result;
        if (result is null || result.Canceled)
        {
            return;
        }

        await GuardedAsync(async () =>
        {
            // The revision this page showed as current: a change made meanwhile is a conflict, never overwritten.
            var written = _kind switch
            {
                HistoryKind.Credential => (await CredentialService.RevertAsync(_caller, Id, target.Revision, _current)).Item.Revision,
                HistoryKind.BlindCredential => (await BlindCredentials.RevertAsync(_caller, Id, target.Revision, _current)).Revision,
                _ => (await Services.RevertAsync(_caller, Id, target.Revision, _current)).Item.Revision,
            };
            _success = $"Reverted to revision {target.Revision}: revision {written} is now current.";
            await LoadAsync();
        });
    }

    private async Task ReloadAsync()
    {
        _success = null;
        await GuardedAsync(LoadAsync);
    }

    private async Task GuardedAsync(Func<Task> action)
    {
        _error = null;
        _conflict = false;
        try
        {
            await action();
        }
        catch (ConfidantException e)
        {
            // The domain's refusal, shown as it stated it (messages name ids and keys, never values).
            _conflict = e.Kind == ConfidantErrorKind.Conflict;
            _error = e.Kind switch
            {
                ConfidantErrorKind.Forbidden or ConfidantErrorKind.Unauthorized => $"Not allowed: {e.Message}",
                ConfidantErrorKind.NotFound => $"Not found: {e.Message}",
                ConfidantErrorKind.Conflict => $"{e.Message} Reload to see the latest revisions.",
                _ => e.Message,
            };
        }
    }

    /// <summary>The incidents under which revision <paramref name="revision"/> was marked exposed (none: no badge).</summary>
    private List<string> ExposedUnder(int revision) =>
        _marks.Where(m => m.Covers(revision)).Select(m => m.Incident).Distinct(StringComparer.Ordinal).ToList();

    private static HashSet<string> ChangedKeys(System.Text.Json.Nodes.JsonObject diff)
    {
        // Keys listed as both added and removed kept the key but changed the value.
        if (diff["credential_pairs"] is not System.Text.Json.Nodes.JsonObject pairs)
        {
            return [];
        }

        var added = (pairs["added"]?.AsArray() ?? []).Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        return (pairs["removed"]?.AsArray() ?? []).Select(n => n!.GetValue<string>()).Where(added.Contains).ToHashSet(StringComparer.Ordinal);
    }

    private static string AclResource(HistoryKind kind) => kind switch
    {
        HistoryKind.Credential => AclResources.Credential,
        HistoryKind.BlindCredential => AclResources.BlindCredential,
        _ => AclResources.Service,
    };
}
