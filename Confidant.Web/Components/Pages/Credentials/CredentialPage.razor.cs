using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Exposure;
using Confidant.Services.Maintenance;
using Confidant.Services.ServiceMappings;
using Confidant.Web.Auth.Origins;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Confidant.Web.Components.Pages.Credentials;

/// <summary>
/// Creates, shows and edits one credential through the domain services, which enforce the ACL (spec §3) and the
/// business rules (spec §9); the page hides what the person's role cannot use and reports any refusal.
/// </summary>
public sealed partial class CredentialPage
{
    private CredentialForm _form = CredentialForm.ForNew();
    private Credential? _credential;
    private ResourceExposure? _exposure;
    private int _exposureVersion;
    private IReadOnlyList<ServiceReference> _services = [];
    private List<KeyConflictRow> _keyConflicts = [];
    private KeyValueEditor? _pairsEditor;
    private ConfidantPrincipal? _caller;
    private string? _loadedId;
    private bool _loading = true;
    private bool _notFound;
    private bool _saving;
    private bool _changedElsewhere;
    private bool _canEdit;
    private bool _canReveal;
    private string? _loadError;
    private string? _error;

    /// <summary>The credential id; null on <c>/credentials/new</c>.</summary>
    [Parameter]
    public string? Id { get; set; }

    [Inject] private CredentialReader Reader { get; set; } = null!;
    [Inject] private CredentialService Writer { get; set; } = null!;
    [Inject] private ServiceMappingService Mappings { get; set; } = null!;
    [Inject] private CredentialConflictDetector Conflicts { get; set; } = null!;
    [Inject] private MaintenanceMode Maintenance { get; set; } = null!;
    [Inject] private ExposureIndex Exposures { get; set; } = null!;
    [Inject] private UiCaller Callers { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private IJSRuntime Js { get; set; } = null!;

    private string Heading => Id is null ? "New credential" : _credential?.Item.Name ?? "Credential";

    protected override async Task OnParametersSetAsync()
    {
        if (_caller is not null && string.Equals(_loadedId, Id, StringComparison.Ordinal))
        {
            return;
        }

        _caller = await Callers.GetAsync();

        // Only what the role allows is offered; the domain decides in the end and the page reports its refusal.
        _canEdit = _caller.HasRole(ConfidantRoles.Editor);
        _canReveal = _canEdit;
        _loadedId = Id;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        _notFound = false;
        _loadError = null;
        _error = null;
        _changedElsewhere = false;
        _keyConflicts = [];
        _credential = null;
        _services = [];
        try
        {
            if (Id is null)
            {
                _form = CredentialForm.ForNew();
                return;
            }

            // Metadata only: the values stay encrypted until someone asks to reveal them.
            _credential = await Reader.GetAsync(_caller!, Id, metadataOnly: true);
            _form = CredentialForm.From(_credential.Item);
            _services = await Mappings.ListServicesUsingAsync(_caller!, AclResources.Credential, Id);
            await RefreshExposureAsync();
        }
        catch (ConfidantException e) when (e.Kind == ConfidantErrorKind.NotFound)
        {
            _notFound = true;
        }
        catch (ConfidantException e)
        {
            _loadError = e.Message;
        }
        finally
        {
            _loading = false;
        }
    }

    private async Task ReloadAsync() => await LoadAsync();

    /// <summary>The badge and the exposure panel read again: after a mark, or a save that may have cleared one.</summary>
    private async Task RefreshExposureAsync()
    {
        _exposure = _credential is null ? null : (await Exposures.SnapshotAsync()).Of(_credential.Item);
        _exposureVersion++;
    }

    /// <returns>True when the values are now in the form.</returns>
    private async Task<bool> RevealAsync()
    {
        _error = null;
        try
        {
            // The domain shows pairs only to callers allowed to read them, and records the reveal first.
            var revealed = await Reader.GetAsync(_caller!, Id!, metadataOnly: false);
            if (revealed.Pairs is null)
            {
                _error = "You are not allowed to see the values of this credential.";
                return false;
            }

            _form.Reveal(revealed.Pairs);
            return true;
        }
        catch (ConfidantException e)
        {
            _error = e.Message;
            return false;
        }
    }

    private async Task CopyMaskedAsync(string key)
    {
        // Copying a hidden value decrypts it just as revealing does, so it goes through the same recorded path.
        if (await RevealAsync() && _form.ValueOf(key) is { } value)
        {
            await CopyAsync(value);
        }
    }

    private async Task CopyAsync(string value)
    {
        var copied = await Js.InvokeAsync<bool>("confidant.copyText", value);
        Snackbar.Add(copied ? "Copied to the clipboard." : "The browser did not allow copying.", copied ? Severity.Success : Severity.Warning);
    }

    private static Task<string?> GenerateAsync() => Task.FromResult<string?>(ValueGenerator.Generate());

    private void OnPairsChanged(IReadOnlyList<KeyValuePair<string, string>> rows) => _form.Pairs = rows;

    private async Task SaveAsync()
    {
        _error = null;
        _keyConflicts = [];
        _changedElsewhere = false;
        if (_form.HasValues && _pairsEditor is { IsValid: false })
        {
            _error = "Fix the highlighted keys before saving.";
            return;
        }

        if (_form.MetadataError() is { } metadataError)
        {
            _error = metadataError;
            return;
        }

        _saving = true;
        try
        {
            if (Id is null)
            {
                var created = await Writer.CreateAsync(_caller!, _form.ToInput(expectedRevision: null));
                Snackbar.Add($"Created {created.Item.Name}.", Severity.Success);
                Navigation.NavigateTo($"/credentials/{Uri.EscapeDataString(created.Item.Id)}");
                return;
            }

            // Spec §8.2: check the new keys against the other credentials of every mapped service before writing,
            // so the person sees which key clashes where (the domain checks again while writing).
            if (_form.HasValues)
            {
                var found = await Conflicts.FindForCredentialAsync(_caller!, Id, _form.PairKeys, CancellationToken.None);
                if (found.Count > 0)
                {
                    _keyConflicts = KeyConflictRow.From(found);
                    return;
                }
            }

            var updated = await Writer.UpdateAsync(_caller!, Id, _form.ToInput(_credential!.Item.Revision));

            // The page keeps values only while the form shows them revealed.
            _credential = updated with { Pairs = null };
            await RefreshExposureAsync();
            Snackbar.Add($"Saved as revision {updated.Item.Revision}.", Severity.Success);
        }
        catch (RevisionConflictException)
        {
            _changedElsewhere = true;
        }
        catch (KeyConflictException e)
        {
            _keyConflicts = KeyConflictRow.From(e.Conflicts);
        }
        catch (ConfidantException e)
        {
            _error = e.Message;
        }
        finally
        {
            _saving = false;
        }
    }

    private sealed record KeyConflictRow(
        string Key,
        IReadOnlyList<string> Credentials,
        IReadOnlyList<string> BlindCredentials,
        IReadOnlyList<string> Services)
    {
        public static List<KeyConflictRow> From(IReadOnlyDictionary<string, KeyConflict> conflicts) =>
            conflicts.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => new KeyConflictRow(c.Key, c.Value.Credentials ?? [], c.Value.BlindCredentials ?? [], c.Value.Services ?? []))
                .ToList();
    }
}
