using Confidant.Services.Authorization;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.Kms;
using Confidant.Services.ServiceMappings;
using Confidant.Services.Storage;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Confidant.Web.Components.Pages.Services;

/// <summary>Creates a service or edits its mapping, scope and state (spec §4.5, §8).</summary>
public sealed partial class ServiceEdit
{
    private ConfidantPrincipal _caller = null!;
    private IReadOnlyList<ServiceMappingEditor.Candidate>? _candidates;
    private IReadOnlyCollection<string> _initialIds = [];
    private ServiceMappingEditor.Selection? _selection;
    private ServiceItem? _item;
    private ServiceExposure? _exposure;
    private string? _name;
    private string? _account;
    private bool _enabled = true;
    private bool _readOnly;
    private bool _isAdmin;
    private bool _saving;
    private bool _revisionConflict;
    private int _editorGeneration;
    private string? _loadError;
    private string? _error;
    private string? _loadedId;

    [Parameter] public string? Id { get; set; }

    private bool IsNew => Id is null;

    private string? ServiceId => IsNew ? _name?.Trim() : Id;

    protected override async Task OnParametersSetAsync()
    {
        if (_candidates is not null && _loadedId == Id)
        {
            return;
        }

        _loadedId = Id;
        _caller = await Callers.GetAsync();
        _isAdmin = _caller.HasRole(ConfidantRoles.Admin);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _candidates = null;
        _loadError = null;
        _error = null;
        _revisionConflict = false;
        try
        {
            _item = Id is null ? null : (await Mappings.GetAsync(_caller, Id, metadataOnly: true)).Item;
            var credentials = await Catalogue.CredentialsAsync(_caller);
            var blind = await Catalogue.BlindCredentialsAsync(_caller);
            _candidates =
            [
                .. credentials.Select(c => new ServiceMappingEditor.Candidate(c.Id, c.Name, c.Enabled, Blind: false)),
                .. blind.Select(b => new ServiceMappingEditor.Candidate(b.Id, b.Name, b.Enabled, Blind: true)),
            ];
            _initialIds = _item is null ? [] : [.. _item.Credentials, .. _item.BlindCredentials];
            _enabled = _item?.Enabled ?? true;
            _account = _item?.Account ?? string.Empty;
            _readOnly = !Acl.IsAllowed(_caller, AclResources.Service, IsNew ? AclActions.Create : AclActions.Update, Id, new AclArguments([]));
            _editorGeneration++;
            await RefreshExposureAsync();
        }
        catch (ConfidantException e)
        {
            _loadError = Describe(e);
        }
        catch (Exception e) when (e is KeyServiceException or CredentialCipherException)
        {
            _loadError = "The mapped credentials could not be decrypted right now. Try again later.";
        }
    }

    private async Task<IEnumerable<string>> SearchRolesAsync(string? text, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> roles;
        try
        {
            roles = await Roles.ListAsync(_caller, cancellationToken);
        }
        catch (Exception e) when (e is KeyServiceException or HttpRequestException or ConfidantException)
        {
            // Suggestions only help: without IAM the name is typed in full.
            return [];
        }

        return string.IsNullOrWhiteSpace(text) ? roles : roles.Where(r => r.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    private static string Describe(ConfidantException e) => e.Kind switch
    {
        ConfidantErrorKind.Forbidden or ConfidantErrorKind.Unauthorized => $"Not allowed: {e.Message}",
        ConfidantErrorKind.NotFound => "There is no such service.",
        _ => e.Message,
    };

    private void OnSelectionChanged(ServiceMappingEditor.Selection selection) => _selection = selection;

    private async Task RefreshExposureAsync() => _exposure = _item is null ? null : (await Exposures.SnapshotAsync()).Of(_item);

    private async Task ReloadAsync() => await LoadAsync();

    private async Task SaveAsync()
    {
        if (_selection is not { CanSave: true } selection || ServiceId is not { Length: > 0 } id)
        {
            return;
        }

        _saving = true;
        _error = null;
        _revisionConflict = false;
        try
        {
            var saved = await Mappings.PutAsync(_caller, id, new ServiceMappingInput
            {
                Credentials = selection.Credentials,
                BlindCredentials = selection.BlindCredentials,
                Enabled = _enabled,

                // Without configured accounts there is nothing to choose: the stored scope is kept.
                Account = KmsAuth.Value.Accounts.Count > 0 ? _account ?? string.Empty : null,

                // A new service expects to write revision 1: someone else creating it first is a conflict too.
                ExpectedRevision = _item?.Revision ?? 0,
            });
            Snackbar.Add($"Saved {id} (revision {saved.Item.Revision}).", Severity.Success);
            if (IsNew)
            {
                Navigation.NavigateTo($"/services/{Uri.EscapeDataString(id)}");
                return;
            }

            // Show what was stored: the domain drops ids of credentials that no longer exist.
            _item = saved.Item;
            await RefreshExposureAsync();
            _initialIds = [.. saved.Item.Credentials, .. saved.Item.BlindCredentials];
            _enabled = saved.Item.Enabled;
            _editorGeneration++;
        }
        catch (RevisionConflictException)
        {
            // The form keeps the person's edits; Reload replaces them with the stored mapping (spec §13.36).
            _revisionConflict = true;
        }
        catch (ConfidantException e)
        {
            _error = Describe(e);
        }
        catch (Exception e) when (e is KeyServiceException or CredentialCipherException)
        {
            // The mapping is checked for shared keys by decrypting its credentials; nothing was stored.
            _error = "The mapped credentials could not be decrypted right now; nothing was saved. Try again later.";
        }
        finally
        {
            _saving = false;
        }
    }
}
