using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// The records of one group commit packed into one binary attribute (docs/decisions/0008-audit-chain.md): for each
/// record, a 4-byte big-endian length, its canonical bytes and its 32-byte hash; the whole compressed with Brotli.
/// One item per block is what keeps DynamoDB write units low: they are billed per started kilobyte of each item.
/// </summary>
internal static class DynamoDbAuditBlock
{
    private const int Quality = 5;
    private const int Window = 22;
    public const int MaxRawBytes = 4 * 1024 * 1024;

    public static (byte[] Compressed, int RawSize) Encode(IReadOnlyList<AuditRecord> records)
    {
        var canonical = new AuditCanonical();
        var raw = new ArrayBufferWriter<byte>(records.Count * 512);
        foreach (var record in records)
        {
            var bytes = canonical.Record(record);
            BinaryPrimitives.WriteInt32BigEndian(raw.GetSpan(4), bytes.Length);
            raw.Advance(4);
            raw.Write(bytes);
            var hash = raw.GetSpan(AuditCanonical.HashSize);
            Convert.FromHexString(record.Hash, hash[..AuditCanonical.HashSize], out _, out _);
            raw.Advance(AuditCanonical.HashSize);
        }

        var compressed = new byte[BrotliEncoder.GetMaxCompressedLength(raw.WrittenCount)];
        if (!BrotliEncoder.TryCompress(raw.WrittenSpan, compressed, out var written, Quality, Window))
        {
            throw new InvalidOperationException("The audit block could not be compressed.");
        }

        return (compressed[..written], raw.WrittenCount);
    }

    /// <summary>The records in stored order. A block that does not decode raises <see cref="InvalidDataException"/> naming it.</summary>
    public static IReadOnlyList<AuditRecord> Decode(ReadOnlySpan<byte> compressed, int rawSize, string blockId)
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

        var records = new List<AuditRecord>();
        var offset = 0;
        try
        {
            while (offset < raw.Length)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(offset, 4));
                offset += 4;
                var bytes = raw.AsSpan(offset, length);
                var hash = Convert.ToHexStringLower(raw.AsSpan(offset + length, AuditCanonical.HashSize));
                records.Add(AuditCanonical.ParseRecord(bytes, hash));
                offset += length + AuditCanonical.HashSize;
            }
        }
        catch (Exception error) when (error is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException($"Audit block {blockId} cannot be read after {records.Count} records: {error.GetType().Name}.", error);
        }

        return records;
    }
}
