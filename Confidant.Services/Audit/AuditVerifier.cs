using Confidant.Services.Kms;

namespace Confidant.Services.Audit;

/// <summary>
/// <c>audit verify</c>: walks every chain and every checkpoint in the store and reports the first broken record of
/// each chain. Records: sequence, links and hashes (<see cref="AuditChainWalk"/>). Checkpoints: consecutive indexes,
/// each naming the previous one's MAC, a MAC the key service verifies, and a head that is still the stored record
/// at that sequence. Witnesses: every chain head another chain named is still there, unchanged. Read-only.
/// </summary>
public sealed class AuditVerifier(IAuditStore store, IKeyService keys)
{
    private readonly AuditCanonical _canonical = new();

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var chains = await store.ListChainsAsync(cancellationToken);
        var checkpoints = new Dictionary<string, IReadOnlyList<AuditCheckpoint>>(StringComparer.Ordinal);
        var witnesses = new List<(string Holder, AuditWitness Witness)>();
        foreach (var chain in chains)
        {
            checkpoints[chain.ChainId] = await store.ListCheckpointsAsync(chain.ChainId, cancellationToken);
            witnesses.AddRange(checkpoints[chain.ChainId].SelectMany(c => c.Witnesses).Select(w => (chain.ChainId, w)));
            witnesses.AddRange((await FirstRecordAsync(chain.ChainId, cancellationToken))?.Witnesses.Select(w => (chain.ChainId, w)) ?? []);
        }

        // The hashes of the records something names, collected during the one walk of each chain.
        var wanted = checkpoints.Values.SelectMany(list => list.Select(c => (c.ChainId, c.Sequence)))
            .Concat(witnesses.Select(w => (w.Witness.ChainId, w.Witness.Sequence)))
            .ToHashSet();
        var hashes = new Dictionary<(string ChainId, long Sequence), string>();
        var results = new List<AuditChainVerification>();
        var problems = new Dictionary<string, AuditProblem>(StringComparer.Ordinal);
        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chain in chains)
        {
            var walk = new AuditChainWalk(chain.ChainId);
            await walk.WalkAsync(
                store.ReadChainAsync(chain.ChainId, 0, cancellationToken),
                record =>
                {
                    if (wanted.Contains((record.ChainId, record.Sequence)))
                    {
                        hashes[(record.ChainId, record.Sequence)] = record.Hash;
                    }
                },
                cancellationToken);
            var list = checkpoints[chain.ChainId];
            var head = walk.Head?.Sequence ?? 0;
            heads[chain.ChainId] = head;
            var problem = walk.Problem ?? await CheckCheckpointsAsync(chain, list, head, hashes, cancellationToken);
            if (problem is not null)
            {
                problems[chain.ChainId] = problem;
            }

            var closed = list.Count > 0 && list[^1].Final;
            results.Add(new AuditChainVerification(chain.ChainId, walk.Records, list.Count, closed, head - (list.Count > 0 ? list[^1].Sequence : 0)));
        }

        foreach (var (holder, witness) in witnesses)
        {
            if (!problems.ContainsKey(witness.ChainId) && CheckWitness(holder, witness, heads, hashes) is { } problem)
            {
                problems[witness.ChainId] = problem;
            }
        }

        return new AuditVerification(results, [.. problems.Values.OrderBy(p => p.ChainId, StringComparer.Ordinal)]);
    }

    private async Task<AuditProblem?> CheckCheckpointsAsync(
        AuditChain chain,
        IReadOnlyList<AuditCheckpoint> checkpoints,
        long head,
        Dictionary<(string ChainId, long Sequence), string> hashes,
        CancellationToken cancellationToken)
    {
        var previousMac = string.Empty;
        var previousSequence = 0L;
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var checkpoint = checkpoints[i];
            var name = $"checkpoint {checkpoint.Index}";
            if (checkpoint.Index != i + 1)
            {
                return checkpoint.Index > i + 1
                    ? Fail(chain, checkpoint.Sequence, AuditProblemKind.CheckpointDeleted, $"checkpoint {i + 1} is missing (the next one is {checkpoint.Index})")
                    : Fail(chain, checkpoint.Sequence, AuditProblemKind.CheckpointForged, $"a second {name}");
            }

            if (checkpoint.PreviousMac != previousMac)
            {
                return Fail(chain, checkpoint.Sequence, AuditProblemKind.CheckpointForged, $"{name} does not follow checkpoint {i} (or that one was replaced)");
            }

            if (!await MacVerifiesAsync(checkpoint, cancellationToken))
            {
                return Fail(chain, checkpoint.Sequence, AuditProblemKind.CheckpointForged, $"the MAC of {name} does not verify with key {checkpoint.KeyId} (forged or altered)");
            }

            if (checkpoint.Sequence > head)
            {
                var missing = checkpoint.Sequence == head + 1 ? $"record {head + 1} is" : $"records {head + 1} to {checkpoint.Sequence} are";
                return Fail(chain, head + 1, AuditProblemKind.Deleted, $"{missing} missing: the chain ends at {head} but {name} covers up to {checkpoint.Sequence}");
            }

            if (!hashes.TryGetValue((chain.ChainId, checkpoint.Sequence), out var hash) || hash != checkpoint.HeadHash)
            {
                return Fail(chain, checkpoint.Sequence, AuditProblemKind.Rehashed,
                    $"record {checkpoint.Sequence} is not the record {name} MACed: the records after {previousSequence} were re-hashed after an edit");
            }

            if (checkpoint.Final && i != checkpoints.Count - 1)
            {
                return Fail(chain, checkpoint.Sequence, AuditProblemKind.CheckpointForged, $"checkpoint {checkpoint.Index + 1} follows the final {name}");
            }

            previousMac = checkpoint.Mac;
            previousSequence = checkpoint.Sequence;
        }

        var last = checkpoints.Count > 0 ? checkpoints[^1] : null;
        if (last is { Final: true } && head > last.Sequence)
        {
            return Fail(chain, last.Sequence + 1, AuditProblemKind.Inserted, $"record {last.Sequence + 1} follows the chain's final checkpoint {last.Index}");
        }

        if (chain.ClosedAt is not null && last is not { Final: true } && head > 0)
        {
            return Fail(chain, head, AuditProblemKind.CheckpointDeleted, "the chain was closed but its final checkpoint is missing");
        }

        return null;
    }

    private static AuditProblem? CheckWitness(
        string holder,
        AuditWitness witness,
        Dictionary<string, long> heads,
        Dictionary<(string ChainId, long Sequence), string> hashes)
    {
        if (!heads.TryGetValue(witness.ChainId, out var head))
        {
            return new AuditProblem(witness.ChainId, witness.Sequence, AuditProblemKind.ChainDeleted,
                $"chain {witness.ChainId} is missing, but chain {holder} saw it at record {witness.Sequence}");
        }

        if (witness.Sequence > head)
        {
            return new AuditProblem(witness.ChainId, head + 1, AuditProblemKind.Deleted,
                $"records {head + 1} to {witness.Sequence} are missing: the chain ends at {head} but chain {holder} saw it at {witness.Sequence}");
        }

        return hashes.TryGetValue((witness.ChainId, witness.Sequence), out var hash) && hash == witness.Hash
            ? null
            : new AuditProblem(witness.ChainId, witness.Sequence, AuditProblemKind.Rehashed,
                $"record {witness.Sequence} is not the record chain {holder} saw: the chain was re-hashed after an edit");
    }

    private async Task<bool> MacVerifiesAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        byte[] mac;
        byte[] message;
        try
        {
            mac = Convert.FromHexString(checkpoint.Mac);
            message = _canonical.CheckpointMessage(checkpoint);
        }
        catch (FormatException)
        {
            // A hash or MAC field edited into something that is not hex.
            return false;
        }

        try
        {
            return await keys.VerifyMacAsync(checkpoint.KeyId, message, mac, cancellationToken);
        }
        catch (KeyServiceException error) when (error.Error is KeyServiceError.KeyNotFound or KeyServiceError.InvalidRequest)
        {
            // A key the key service does not know (or that is no HMAC key) cannot have made this MAC.
            return false;
        }
    }

    private async Task<AuditRecord?> FirstRecordAsync(string chainId, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var record in store.ReadChainAsync(chainId, 0, cancellationToken))
            {
                return record;
            }
        }
        catch (InvalidDataException)
        {
            // Reported by the walk of the chain.
        }

        return null;
    }

    private static AuditProblem Fail(AuditChain chain, long sequence, AuditProblemKind kind, string message) => new(chain.ChainId, sequence, kind, message);
}
