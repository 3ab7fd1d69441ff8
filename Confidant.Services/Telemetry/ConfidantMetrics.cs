using System.Diagnostics.Metrics;

namespace Confidant.Services.Telemetry;

/// <summary>
/// The instruments of the <c>Confidant</c> meter. Names follow the original's statsd names where one fits (spec
/// §9.10: <c>get_service_by_id</c>, <c>decrypt_token</c>, <c>at_rest_action</c>), under OpenTelemetry's dotted form;
/// the README maps the rest. Tags never carry ids, names or values of secrets: only operations and outcomes.
/// </summary>
public sealed class ConfidantMetrics
{
    public const string MeterName = "Confidant";

    private readonly Counter<long> _tokenValidations;
    private readonly Counter<long> _tokenCacheLookups;
    private readonly Counter<long> _keyServiceCalls;
    private readonly Histogram<double> _keyServiceDuration;
    private readonly Counter<long> _dataKeyCacheLookups;
    private readonly Histogram<double> _auditAppendDuration;
    private readonly Histogram<double> _serviceFetchDuration;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _emailDeliveries;
    private readonly Counter<long> _rekeyItems;

    // Seconds, from a cached key-service answer (well under a millisecond) to a call that hits its timeout.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    public ConfidantMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _tokenValidations = meter.CreateCounter<long>(
            "confidant.decrypt_token", "{token}", "kmsauth token validations, by result and token version (statsd decrypt_token, token_version_<n>).");
        _tokenCacheLookups = meter.CreateCounter<long>(
            "confidant.decrypt_token.cache", "{lookup}", "Validated-token cache lookups, by result (hit or miss).");
        _keyServiceCalls = meter.CreateCounter<long>(
            "confidant.at_rest_action", "{call}", "Calls to the key service, by operation and outcome (statsd at_rest_action).");
        _keyServiceDuration = meter.CreateHistogram<double>(
            "confidant.at_rest_action.duration", "s", "Duration of key-service calls, by operation.", advice: Seconds);
        _dataKeyCacheLookups = meter.CreateCounter<long>(
            "confidant.data_key.cache", "{lookup}", "Decrypted data-key cache lookups, by result (hit or miss).");
        _auditAppendDuration = meter.CreateHistogram<double>(
            "confidant.audit.append.duration", "s", "Duration of one audit append (a batch of records), by outcome.", advice: Seconds);
        _serviceFetchDuration = meter.CreateHistogram<double>(
            "confidant.get_service_by_id.duration", "s", "Duration of a service fetch in the domain, by outcome (statsd get_service_by_id).", advice: Seconds);
        _webhookDeliveries = meter.CreateCounter<long>(
            "confidant.webhook.deliveries", "{attempt}", "Webhook delivery attempts, by endpoint name and outcome.");
        _emailDeliveries = meter.CreateCounter<long>(
            "confidant.email.deliveries", "{attempt}", "E-mail delivery attempts to the SMTP relay, by outcome.");
        _rekeyItems = meter.CreateCounter<long>(
            "confidant.rekey.items", "{item}", "Stored items the re-encryption job has done, by mode (rewrap, rekey) and result (rewritten, skipped, failed).");
    }

    public void TokenValidated(string result, int? tokenVersion) =>
        _tokenValidations.Add(1, new("result", result), new("token_version", tokenVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"));

    public void TokenCacheLookup(bool hit) => _tokenCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    public void KeyServiceCall(string operation, string outcome, TimeSpan elapsed)
    {
        _keyServiceCalls.Add(1, new("operation", operation), new("outcome", outcome));
        _keyServiceDuration.Record(elapsed.TotalSeconds, new("operation", operation), new("outcome", outcome));
    }

    public void DataKeyCacheLookup(bool hit) => _dataKeyCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    public void AuditAppended(string outcome, TimeSpan elapsed) =>
        _auditAppendDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void ServiceFetched(string outcome, TimeSpan elapsed) =>
        _serviceFetchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void WebhookAttempt(string endpoint, string outcome) =>
        _webhookDeliveries.Add(1, new("endpoint", endpoint), new("outcome", outcome));

    public void EmailAttempt(string outcome) => _emailDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RekeyItemDone(string mode, string result) =>
        _rekeyItems.Add(1, new("mode", mode), new("result", result));
}
