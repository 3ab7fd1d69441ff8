using System.Text.Json.Nodes;
using Confidant.Services.Rekey;
using Confidant.Services.Storage;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>
/// The re-encryption job on the wire (GET and POST /v1/rekey): snake_case fields, ISO-8601 dates, every field present
/// (null when unknown). <c>progress</c> runs from 0 to 1; <c>rate</c> is items per second of working time.
/// </summary>
public static class RekeyContract
{
    public static JsonObject From(RekeyJob job) => new()
    {
        ["id"] = job.Id,
        ["mode"] = RekeyModes.ToWire(job.Mode),
        ["status"] = RekeyStatuses.ToWire(job.Status),
        ["target_key"] = job.TargetKey,
        ["target_key_arn"] = job.TargetKeyArn,
        ["credentials"] = CredentialContract.StringArray(job.Selection),
        ["queued_by"] = job.QueuedBy,
        ["queued_at"] = WireJson.IsoDate(job.QueuedAt),
        ["started_at"] = WireJson.IsoDate(job.StartedAt),
        ["ended_at"] = WireJson.IsoDate(job.EndedAt),
        ["updated_at"] = WireJson.IsoDate(job.UpdatedAt),
        ["phase"] = Phase(job.Cursor.Phase),
        ["total"] = job.Total,
        ["processed"] = job.Processed,
        ["rewritten"] = job.Rewritten,
        ["skipped"] = job.Skipped,
        ["failed"] = job.Failed,
        ["kms_calls"] = job.KmsCalls,
        ["progress"] = Math.Round(job.Progress, 4),
        ["rate"] = job.Rate is { } rate ? Math.Round(rate, 2) : null,
        ["eta_seconds"] = job.Eta is { } eta ? (long)Math.Ceiling(eta.TotalSeconds) : null,
        ["failures"] = new JsonArray(job.Failures.Select(f => (JsonNode?)new JsonObject
        {
            ["id"] = f.Id,
            ["revision"] = f.Revision,
            ["table"] = f.Table == StoreTable.Archive ? "archive" : "primary",
            ["error"] = f.Error,
            ["at"] = WireJson.IsoDate(f.At),
        }).ToArray()),
        ["blind_credentials"] = new JsonObject
        {
            ["count"] = job.BlindCredentialCount,
            ["items"] = new JsonArray(job.BlindCredentials.Select(b => (JsonNode?)new JsonObject
            {
                ["id"] = b.Id,
                ["name"] = b.Name,
                ["owners"] = CredentialContract.StringArray(b.Owners),
                ["archived"] = b.Archived,
            }).ToArray()),
        },
        ["error"] = job.Error,
        ["worker"] = job.Worker,
    };

    public static string Phase(RekeyPhase phase) => phase switch
    {
        RekeyPhase.ArchiveCurrent or RekeyPhase.ArchiveRevisions => "archive",
        RekeyPhase.PrimaryCurrent or RekeyPhase.PrimaryRevisions => "primary",
        RekeyPhase.CatchUpCurrent or RekeyPhase.CatchUpRevisions or RekeyPhase.CatchUpEnd => "catch_up",
        RekeyPhase.BlindCredentials => "blind_credentials",
        _ => "done",
    };
}
