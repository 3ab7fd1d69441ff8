using Confidant.Services.Errors;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Maintenance;

/// <summary>
/// Spec §9.7: while maintenance mode is on, every write is refused; reads go on. The domain services ask this before
/// any write, so the REST API and the UI are held by the same switch.
/// </summary>
public sealed class MaintenanceMode(IOptionsMonitor<MaintenanceOptions> options)
{
    /// <summary>On when the setting says so or while the touch file exists (checked on every call, as the original).</summary>
    public bool IsActive
    {
        get
        {
            var settings = options.CurrentValue;
            return settings.MaintenanceMode || (settings.MaintenanceModeTouchFile is { Length: > 0 } file && File.Exists(file));
        }
    }

    /// <summary>Refuses a write with the original's 403 message while maintenance mode is on.</summary>
    public void EnsureWritable()
    {
        if (IsActive)
        {
            throw ConfidantException.Forbidden(ErrorMessages.MaintenanceMode);
        }
    }
}

/// <summary>
/// MAINTENANCE_MODE and MAINTENANCE_MODE_TOUCH_FILE. The keys keep the names they were documented with, under
/// <c>Api:</c>, though the switch now lives in the domain.
/// </summary>
public sealed class MaintenanceOptions
{
    public const string SectionName = "Api";

    /// <summary>MAINTENANCE_MODE: writes answer 403.</summary>
    public bool MaintenanceMode { get; set; }

    /// <summary>MAINTENANCE_MODE_TOUCH_FILE: maintenance mode is on while this file exists.</summary>
    public string? MaintenanceModeTouchFile { get; set; }
}
