using System.Reflection;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Web.Audit;
using Confidant.Web.Auth.Origins;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace Confidant.Web.Components.Pages.Audit;

/// <summary>
/// The audit trail for admins: filter, read newest first a page at a time, see the chains' checkpoints and unusual
/// access, export what the filters match. The domain's <see cref="AuditReader"/> decides who may read it.
/// </summary>
public sealed partial class AuditTrail
{
    private const int PageSize = 100;

    private static readonly IReadOnlyList<string> Actions = typeof(AuditActions)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    private static readonly IReadOnlyList<ChoiceButtons<string>.Choice> OutcomeChoices =
    [
        new(string.Empty, "any", "Any outcome"),
        new(AuditOutcomes.Delivered, AuditOutcomes.Delivered, "Delivered"),
        new(AuditOutcomes.Succeeded, AuditOutcomes.Succeeded, "Succeeded"),
        new(AuditOutcomes.Denied, AuditOutcomes.Denied, "Denied"),
        new(AuditOutcomes.Failed, AuditOutcomes.Failed, "Failed"),
    ];

    private static readonly IReadOnlyList<ChoiceButtons<string>.Choice> FlagChoices =
    [
        new(string.Empty, "any", "All records"),
        new(AuditFlags.FirstAccess, AuditFlags.FirstAccess, "First access"),
        new(AuditFlags.Rate, AuditFlags.Rate, "Over the rate"),
    ];

    private readonly AuditFilters _filters = new();
    private ConfidantPrincipal? _caller;
    private bool _allowed;
    private IReadOnlyList<AuditChainStatus> _chains = [];
    private readonly PageLoader<AuditRecord> _records = new();
    private AuditQuery? _query;
    private string? _error;

    [Inject] private AuditReader Audit { get; set; } = null!;
    [Inject] private UiCaller Callers { get; set; } = null!;
    [Inject] private BrowserTimeZone Zone { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _caller = await Callers.GetAsync();
        _allowed = Audit.CanRead(_caller);
        if (!_allowed)
        {
            return;
        }

        try
        {
            _chains = await Audit.StatusAsync(_caller);
        }
        catch (ConfidantException e)
        {
            _error = e.Message;
        }

        await SearchAsync();
    }

    private async Task SearchAsync()
    {
        if (!_filters.TryBuild(Zone.Known ?? TimeZoneInfo.Utc, PageSize, out var query, out var error))
        {
            _error = error;
            return;
        }

        _error = null;
        _query = query;
        await _records.StartAsync(async page =>
        {
            var read = await Audit.QueryAsync(_caller!, query with { Page = page });
            return (read.Records, read.NextPage);
        });
    }

    /// <summary>The export of the filters last applied (what the table shows), all pages of it.</summary>
    private string ExportLink(string format) => AuditExportEndpoints.Link(format, _query ?? new AuditQuery());

    private static string RowClass(AuditRecord record, int index) =>
        record.Flags.Count > 0 ? "audit-row audit-flagged" : "audit-row";
}
