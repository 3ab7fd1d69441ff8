using System.Globalization;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Web.Auth.Origins;
using Confidant.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Confidant.Web.Components.Pages.Rekey;

/// <summary>
/// The re-encryption job for admins: its progress (bar, counts, rate, ETA), failures and blind credentials with their
/// owners, refreshed every second while it is queued or running; start, pause and resume. The domain's
/// <see cref="RekeyService"/> decides who may, and records each act.
/// </summary>
public sealed partial class RekeyJobPage : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private static readonly IReadOnlyList<ChoiceButtons<RekeyMode>.Choice> ModeChoices =
    [
        new(RekeyMode.Rewrap, RekeyModes.Rewrap, "Re-wrap"),
        new(RekeyMode.Rekey, RekeyModes.Rekey, "Re-key"),
    ];

    private readonly CancellationTokenSource _stop = new();
    private ConfidantPrincipal? _caller;
    private bool _allowed;
    private RekeyJob? _job;
    private string? _error;
    private bool _busy;
    private RekeyMode _mode = RekeyMode.Rewrap;
    private string? _target;
    private string? _credentials;
    private Task? _refresh;

    [Inject] private RekeyService Rekey { get; set; } = null!;
    [Inject] private UiCaller Callers { get; set; } = null!;
    [Inject] private IOptions<KmsOptions> Kms { get; set; } = null!;
    [Inject(Key = RekeyClock.Key)] private TimeProvider Clock { get; set; } = null!;

    private string MasterKeyId => Kms.Value.MasterKeyId;

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        _caller = await Callers.GetAsync();
        _allowed = Rekey.CanManage(_caller);
        if (_allowed)
        {
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            _job = await Rekey.GetAsync(_caller!);
            _error = null;
        }
        catch (Exception e) when (e is ConfidantException || FaultClassifier.IsUnavailable(e))
        {
            _error = e.Message;
        }

        FollowIfActive();
    }

    /// <summary>While the job is queued or running, the page reads it again every second.</summary>
    private void FollowIfActive()
    {
        if (_job is { IsActive: true } && _refresh is null or { IsCompleted: true })
        {
            _refresh = FollowAsync();
        }
    }

    private async Task FollowAsync()
    {
        using var timer = new PeriodicTimer(RefreshInterval, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
                if (_job is not { IsActive: true })
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private Task StartAsync() => ActAsync(() => Rekey.StartAsync(_caller!, new RekeyRequest(
        _mode,
        string.IsNullOrWhiteSpace(_target) ? null : _target.Trim(),
        _mode == RekeyMode.Rekey ? (_credentials ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null)));

    private Task PauseAsync() => ActAsync(() => Rekey.PauseAsync(_caller!));

    private Task ResumeAsync() => ActAsync(() => Rekey.ResumeAsync(_caller!));

    private async Task ActAsync(Func<Task<RekeyJob>> act)
    {
        _busy = true;
        try
        {
            _caller = await Callers.GetAsync();
            _job = await act();
            _error = null;
            FollowIfActive();
        }
        catch (Exception e) when (e is ConfidantException || FaultClassifier.IsUnavailable(e))
        {
            _error = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private static string Percent(RekeyJob job) => string.Create(CultureInfo.InvariantCulture, $"{job.Progress * 100:0.0} %");

    private static string Rate(RekeyJob job)
    {
        var text = job.Rate is { } rate ? string.Create(CultureInfo.InvariantCulture, $"{rate:0.0} items/s") : "no rate yet";
        if (job.Eta is { } eta)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", about {eta:hh\\:mm\\:ss} left");
        }

        return text + string.Create(CultureInfo.InvariantCulture, $"; {job.KmsCalls} key-service calls");
    }

    private static Color StatusColor(RekeyJob job) => job.Status switch
    {
        RekeyStatus.Completed when job.Failed == 0 => Color.Success,
        RekeyStatus.Completed or RekeyStatus.Paused => Color.Warning,
        RekeyStatus.Failed => Color.Error,
        _ => Color.Info,
    };
}
