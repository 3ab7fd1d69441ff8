using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Storage;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// The audit table's items (docs/decisions/0012-audit-chain.md), all under the table's hash key <c>id</c>. Chains and
/// checkpoints carry the GSI attributes <c>data_type</c> (open chains, closed chains, one partition of checkpoints per
/// chain) and <c>modified_date</c> (a stored date, so a partition reads in time order); blocks stay out of the GSI.
/// </summary>
internal static class DynamoDbAuditItems
{
    public const string OpenChains = "audit-chain";
    public const string ClosedChains = "audit-chain-closed";

    public static string CheckpointPartition(string chainId) => "audit-checkpoint:" + chainId;


    public static Dictionary<string, AttributeValue> Key(string id) => new() { ["id"] = S(id) };

    public static string ChainKey(string chainId) => "chain:" + chainId;

    /// <summary>Blocks are numbered 1, 2, 3… per chain, so that a chain's blocks are found by key, without an index.</summary>
    public static string BlockKey(string chainId, long number) =>
        string.Create(CultureInfo.InvariantCulture, $"block:{chainId}:{number:D19}");

    public static string CheckpointKey(string chainId, long index) =>
        string.Create(CultureInfo.InvariantCulture, $"checkpoint:{chainId}:{index:D19}");

    public static Dictionary<string, AttributeValue> Chain(AuditChain chain) => new()
    {
        ["id"] = S(ChainKey(chain.ChainId)),
        ["data_type"] = S(OpenChains),
        ["modified_date"] = S(ConfidantDates.ToStored(chain.OpenedAt)),
        ["chain_id"] = S(chain.ChainId),
        ["opened_at"] = N(AuditCanonical.Microseconds(chain.OpenedAt)),
        ["opened_by"] = S(chain.OpenedBy),
    };

    public static AuditChain ReadChain(Dictionary<string, AttributeValue> item) => new(
        item["chain_id"].S,
        Time(item["opened_at"]),
        item["opened_by"].S,
        item.TryGetValue("closed_at", out var closed) ? Time(closed) : null);

    /// <summary>
    /// A block item. It has no <c>data_type</c>, so it stays out of the GSI (whose ALL projection would bill every
    /// block twice); the attributes besides <c>records</c> are hints for searching, never trusted by a verifier.
    /// </summary>
    public static Dictionary<string, AttributeValue> Block(long number, IReadOnlyList<AuditRecord> records, Func<AuditRecord, string?> setIdOf)
    {
        var (compressed, rawSize) = AuditBlock.Encode(records, setIdOf);
        return new Dictionary<string, AttributeValue>
        {
            ["id"] = S(BlockKey(records[0].ChainId, number)),
            ["first_seq"] = N(records[0].Sequence),
            ["last_time"] = N(AuditCanonical.Microseconds(records[^1].Time)),
            ["size"] = N(rawSize),
            ["records"] = new AttributeValue { B = new MemoryStream(compressed) },
        };
    }

    /// <summary>A block's records, with the digests of the item lists still to be filled in.</summary>
    public static IReadOnlyList<(AuditRecord Record, string? SetId)> ReadBlock(Dictionary<string, AttributeValue> item)
    {
        var id = item.TryGetValue("id", out var key) ? key.S : "(no id)";
        if (!item.TryGetValue("records", out var records) || records.B is null || !item.TryGetValue("size", out var size)
            || !int.TryParse(size.N, NumberStyles.None, CultureInfo.InvariantCulture, out var rawSize))
        {
            throw new InvalidDataException($"Audit block {id} cannot be read: an attribute is missing.");
        }

        return AuditBlock.Decode(records.B.ToArray(), rawSize, id);
    }

    public static Dictionary<string, AttributeValue> Checkpoint(AuditCheckpoint checkpoint) => new()
    {
        ["id"] = S(CheckpointKey(checkpoint.ChainId, checkpoint.Index)),
        ["data_type"] = S(CheckpointPartition(checkpoint.ChainId)),
        ["modified_date"] = S(ConfidantDates.ToStored(checkpoint.Time)),
        ["chain_id"] = S(checkpoint.ChainId),
        ["idx"] = N(checkpoint.Index),
        ["seq"] = N(checkpoint.Sequence),
        ["head_hash"] = S(checkpoint.HeadHash),
        ["time"] = N(AuditCanonical.Microseconds(checkpoint.Time)),
        ["final"] = new AttributeValue { BOOL = checkpoint.Final },
        ["witnesses"] = S(JsonSerializer.Serialize(checkpoint.Witnesses.Select(w => new object[] { w.ChainId, w.Sequence, w.Hash }))),
        ["previous_mac"] = S(checkpoint.PreviousMac),
        ["key_id"] = S(checkpoint.KeyId),
        ["mac"] = S(checkpoint.Mac),
    };

    public static AuditCheckpoint ReadCheckpoint(Dictionary<string, AttributeValue> item)
    {
        using var witnesses = JsonDocument.Parse(item["witnesses"].S);
        return new AuditCheckpoint(
            item["chain_id"].S,
            Long(item["idx"]),
            Long(item["seq"]),
            item["head_hash"].S,
            Time(item["time"]),
            item["final"].BOOL ?? false,
            witnesses.RootElement.EnumerateArray().Select(w => new AuditWitness(w[0].GetString()!, w[1].GetInt64(), w[2].GetString()!)).ToList(),
            item["previous_mac"].S,
            item["key_id"].S,
            item["mac"].S);
    }

    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static long Long(AttributeValue value) => long.Parse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public static DateTimeOffset Time(AttributeValue value) => AuditCanonical.FromMicroseconds(Long(value));
}
