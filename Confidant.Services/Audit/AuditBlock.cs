using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Confidant.Services.Audit;

/// <summary>
/// The records of one group commit packed into one value, as both stores keep them (docs/decisions/0012-audit-chain.md):
/// for each record, a 4-byte big-endian length, its canonical bytes, its 32-byte hash, then a 0 byte, or a 1 byte and
/// the 16-byte digest of its item list when the list is stored apart (<see cref="AuditItemSets"/>; the canonical bytes
/// then carry an empty list); the whole compressed with Brotli. One stored value per block is what keeps an append
/// cheap: one SQLite row, one DynamoDB item (which bills write units per started kilobyte of each item).
/// </summary>
internal static class AuditBlock
{
    public const int MaxRawBytes = 4 * 1024 * 1024;

    /// <summary>Records whose item list has at least this many items name it by digest; a single item costs less inline.</summary>
    public const int ItemsStoredApart = 2;

    // The fastest Brotli setting: a block of 8 service reads compresses in about 15 µs instead of 45 µs at quality 6,
    // for about 15 % more bytes (the request ids and hashes, which do not compress, are most of a block).
    private const int Quality = 1;
    private const int Window = 18;
    private const int SetIdBytes = 16;

    /// <summary>Packs <paramref name="records"/>; those for which <paramref name="setIdOf"/> gives a digest name their items by it.</summary>
    public static (byte[] Compressed, int RawSize) Encode(IReadOnlyList<AuditRecord> records, Func<AuditRecord, string?> setIdOf)
    {
        var canonical = new AuditCanonical();
        var raw = new ArrayBufferWriter<byte>(records.Count * 512);
        foreach (var record in records)
        {
            var setId = setIdOf(record);
            var bytes = canonical.Record(setId is null ? record : record with { Entry = record.Entry with { Items = [] } });
            BinaryPrimitives.WriteInt32BigEndian(raw.GetSpan(4), bytes.Length);
            raw.Advance(4);
            raw.Write(bytes);
            Convert.FromHexString(record.Hash, raw.GetSpan(AuditCanonical.HashSize)[..AuditCanonical.HashSize], out _, out _);
            raw.Advance(AuditCanonical.HashSize);
            raw.Write([setId is null ? (byte)0 : (byte)1]);
            if (setId is not null)
            {
                Convert.FromHexString(setId, raw.GetSpan(SetIdBytes)[..SetIdBytes], out _, out _);
                raw.Advance(SetIdBytes);
            }
        }

        var compressed = new byte[BrotliEncoder.GetMaxCompressedLength(raw.WrittenCount)];
        if (!BrotliEncoder.TryCompress(raw.WrittenSpan, compressed, out var written, Quality, Window))
        {
            throw new InvalidOperationException("The audit block could not be compressed.");
        }

        return (compressed[..written], raw.WrittenCount);
    }

    /// <summary>
    /// The records in stored order, each with the digest of its item list when that is stored apart (its items are
    /// then still to be filled in). A block that does not decode raises <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static IReadOnlyList<(AuditRecord Record, string? SetId)> Decode(ReadOnlySpan<byte> compressed, int rawSize, string blockId)
    {
        if (rawSize is < 0 or > MaxRawBytes)
        {
            throw new InvalidDataException($"Audit block {blockId} cannot be read: its size is out of range.");
        }

        var raw = new byte[rawSize];
        if (!BrotliDecoder.TryDecompress(compressed, raw, out var written) || written != rawSize)
        {
            throw new InvalidDataException($"Audit block {blockId} cannot be read: it does not decompress to its size.");
        }

        var records = new List<(AuditRecord, string?)>();
        var offset = 0;
        try
        {
            while (offset < raw.Length)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(offset, 4));
                offset += 4;
                var bytes = raw.AsSpan(offset, length);
                offset += length;
                var hash = Convert.ToHexStringLower(raw.AsSpan(offset, AuditCanonical.HashSize));
                offset += AuditCanonical.HashSize;
                string? setId = raw[offset++] switch
                {
                    0 => null,
                    1 => Convert.ToHexStringLower(raw.AsSpan(offset, SetIdBytes)),
                    _ => throw new FormatException("A record's item-list marker must be 0 or 1."),
                };
                offset += setId is null ? 0 : SetIdBytes;
                records.Add((AuditCanonical.ParseRecord(bytes, hash), setId));
            }
        }
        catch (Exception error) when (error is FormatException or ArgumentOutOfRangeException or OverflowException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"Audit block {blockId} cannot be read after {records.Count} records: {error.GetType().Name}.", error);
        }

        return records;
    }
}
