namespace Confidant.Web.Api;

/// <summary>Settings of the REST API (spec §10.1, §10.4).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>HISTORY_PAGE_LIMIT: default page size of the history lists; null lists everything.</summary>
    public int? HistoryPageLimit { get; set; }

    /// <summary>MAINTENANCE_MODE: writes answer 403 (spec §9.7).</summary>
    public bool MaintenanceMode { get; set; }

    /// <summary>MAINTENANCE_MODE_TOUCH_FILE: maintenance mode is on while this file exists.</summary>
    public string? MaintenanceModeTouchFile { get; set; }

    /// <summary>XSRF_COOKIE_NAME.</summary>
    public string XsrfCookieName { get; set; } = "XSRF-TOKEN";
}
