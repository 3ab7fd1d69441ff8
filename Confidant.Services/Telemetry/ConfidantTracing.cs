using System.Diagnostics;

namespace Confidant.Services.Telemetry;

/// <summary>
/// The <c>Confidant</c> activity source: spans for a service fetch, named after the original's statsd timers and
/// sub-timers (spec §9.10: <c>get_service_by_id</c>, <c>.acl_check_get_service</c>, <c>.db_get_service</c>,
/// <c>.db_get_credentials</c>). An ActivitySource has no factory in DI, so one static instance serves the process.
/// </summary>
public static class ConfidantTracing
{
    public const string SourceName = "Confidant";

    public static ActivitySource Source { get; } = new(SourceName);
}
