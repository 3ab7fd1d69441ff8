using System.Text.Json.Nodes;
using Confidant.Services.Audit;
using Confidant.Web.Api.Json;

namespace Confidant.Web.Api.Contracts;

/// <summary>
/// The audit trail on the wire (GET /v1/audit, /v1/audit/status, /v1/credentials/{id}/access and the JSON export):
/// snake_case fields, ISO-8601 dates, every field present (null when unknown).
/// </summary>
public static class AuditContract
{
    public static JsonObject Record(AuditRecord record)
    {
        var entry = record.Entry;
        return new JsonObject
        {
            ["chain_id"] = record.ChainId,
            ["sequence"] = record.Sequence,
            ["time"] = WireJson.IsoDate(record.Time),
            ["action"] = entry.Action,
            ["outcome"] = entry.Outcome,
            ["resource_type"] = entry.ResourceType,
            ["resource_id"] = entry.ResourceId,
            ["revision"] = entry.Revision,
            ["items"] = new JsonArray(entry.Items.Select(i => (JsonNode?)new JsonObject
            {
                ["resource_type"] = i.ResourceType,
                ["id"] = i.Id,
                ["revision"] = i.Revision,
            }).ToArray()),
            ["via"] = entry.Via,
            ["detail"] = entry.Detail,
            ["actor"] = new JsonObject
            {
                ["name"] = entry.Actor.Name,
                ["type"] = entry.Actor.Type,
                ["subject"] = entry.Actor.Subject,
                ["email"] = entry.Actor.Email,
                ["account"] = entry.Actor.Account,
                ["auth_method"] = entry.Actor.AuthMethod,
            },
            ["origin"] = new JsonObject
            {
                ["channel"] = entry.Origin.Channel,
                ["route"] = entry.Origin.Route,
                ["address"] = entry.Origin.Address,
                ["user_agent"] = entry.Origin.UserAgent,
                ["request_id"] = entry.Origin.RequestId,
            },
            ["flags"] = CredentialContract.StringArray(record.Flags),
            ["previous_hash"] = record.PreviousHash,
            ["hash"] = record.Hash,
        };
    }

    public static JsonObject Page(AuditPage page) => new()
    {
        ["records"] = new JsonArray(page.Records.Select(r => (JsonNode?)Record(r)).ToArray()),
        ["next_page"] = page.NextPage,
    };

    public static JsonObject Status(IReadOnlyList<AuditChainStatus> chains) => new()
    {
        ["chains"] = new JsonArray(chains.Select(c => (JsonNode?)new JsonObject
        {
            ["chain_id"] = c.Chain.ChainId,
            ["opened_at"] = WireJson.IsoDate(c.Chain.OpenedAt),
            ["opened_by"] = c.Chain.OpenedBy,
            ["closed_at"] = WireJson.IsoDate(c.Chain.ClosedAt),
            ["head_sequence"] = c.HeadSequence,
            ["head_time"] = WireJson.IsoDate(c.HeadTime),
            ["last_checkpoint"] = c.LastCheckpoint is { } checkpoint
                ? new JsonObject
                {
                    ["index"] = checkpoint.Index,
                    ["sequence"] = checkpoint.Sequence,
                    ["time"] = WireJson.IsoDate(checkpoint.Time),
                    ["final"] = checkpoint.Final,
                }
                : null,
            ["uncovered"] = c.Unprotected,
        }).ToArray()),
    };

    public static JsonObject Access(CredentialAccess access) => new()
    {
        ["credential_id"] = access.CredentialId,
        ["since"] = WireJson.IsoDate(access.Since),
        ["principals"] = Principals(access.Principals),
    };

    /// <summary>Principals that received a resource, with counts, first and last time, and revisions.</summary>
    public static JsonArray Principals(IEnumerable<AuditAccess> principals) => new(principals.Select(p => (JsonNode?)new JsonObject
    {
        ["actor_type"] = p.ActorType,
        ["actor_name"] = p.ActorName,
        ["account"] = p.Account,
        ["count"] = p.Count,
        ["first"] = WireJson.IsoDate(p.First),
        ["last"] = WireJson.IsoDate(p.Last),
        ["revisions"] = new JsonArray(p.Revisions.Select(r => (JsonNode?)r).ToArray()),
    }).ToArray());
}
