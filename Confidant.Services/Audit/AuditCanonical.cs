using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Confidant.Services.Audit;

/// <summary>
/// The canonical bytes of records and checkpoints (docs/decisions/0012-audit-chain.md): a version tag, then every
/// field in a fixed order; strings as a 4-byte big-endian length and UTF-8, absent values as a 0 byte, present ones
/// as a 1 byte and the value, integers big-endian, times as microseconds since 1970-01-01 UTC, hashes as 32 raw
/// bytes. Nothing is left to a serializer's choices, so a third party can re-compute every hash.
/// </summary>
public sealed class AuditCanonical
{
    public const string RecordTag = "confidant-audit-record/1";
    public const string CheckpointTag = "confidant-audit-checkpoint/1";
    public const int HashSize = 32;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    /// <summary>All-zero: the previous hash of a chain's first record.</summary>
    public static string GenesisHash { get; } = new('0', HashSize * 2);

    /// <summary>The canonical bytes of <paramref name="record"/> (its <see cref="AuditRecord.Hash"/> excluded). Valid until the next call.</summary>
    public ReadOnlySpan<byte> Record(AuditRecord record)
    {
        _buffer.ResetWrittenCount();
        var entry = record.Entry;
        String(RecordTag);
        String(record.ChainId);
        Int64(record.Sequence);
        Int64(Microseconds(record.Time));
        Hash(record.PreviousHash);
        String(entry.Action);
        String(entry.Outcome);
        String(entry.ResourceType);
        String(entry.ResourceId);
        OptionalInt(entry.Revision);
        WriteItems(entry.Items);
        OptionalString(entry.Via);
        OptionalString(entry.Detail);
        var actor = entry.Actor;
        String(actor.Name);
        String(actor.Type);
        OptionalString(actor.Subject);
        OptionalString(actor.Email);
        OptionalString(actor.Account);
        String(actor.AuthMethod);
        var origin = entry.Origin;
        String(origin.Channel);
        String(origin.Route);
        OptionalString(origin.Address);
        OptionalString(origin.UserAgent);
        OptionalString(origin.RequestId);
        Int32(record.Flags.Count);
        foreach (var flag in record.Flags)
        {
            String(flag);
        }

        Witnesses(record.Witnesses);
        return _buffer.WrittenSpan;
    }

    /// <summary>An item list as it appears inside a record's canonical bytes (count, then each item). Valid until the next call.</summary>
    public ReadOnlySpan<byte> Items(IReadOnlyList<AuditItem> items)
    {
        _buffer.ResetWrittenCount();
        WriteItems(items);
        return _buffer.WrittenSpan;
    }

    /// <summary>Parses what <see cref="Items"/> wrote.</summary>
    public static AuditItem[] ParseItems(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        var items = reader.Items();
        reader.End();
        return items;
    }

    /// <summary>SHA-256 of the record's canonical bytes, lowercase hex.</summary>
    public string HashOf(AuditRecord record)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(Record(record), hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// What the key service MACs for a checkpoint: the SHA-256 of its canonical bytes (a fixed 32 bytes, within
    /// KMS's message limit whatever the number of witnesses).
    /// </summary>
    public byte[] CheckpointMessage(AuditCheckpoint checkpoint)
    {
        _buffer.ResetWrittenCount();
        String(CheckpointTag);
        String(checkpoint.ChainId);
        Int64(checkpoint.Index);
        Int64(checkpoint.Sequence);
        Hash(checkpoint.HeadHash);
        Int64(Microseconds(checkpoint.Time));
        _buffer.Write([checkpoint.Final ? (byte)1 : (byte)0]);
        Witnesses(checkpoint.Witnesses);
        var previous = Convert.FromHexString(checkpoint.PreviousMac);
        Int32(previous.Length);
        _buffer.Write(previous);
        return SHA256.HashData(_buffer.WrittenSpan);
    }

    /// <summary>Parses canonical record bytes back into a record whose hash is <paramref name="hash"/>.</summary>
    public static AuditRecord ParseRecord(ReadOnlySpan<byte> bytes, string hash)
    {
        var reader = new Reader(bytes);
        if (reader.String() != RecordTag)
        {
            throw new FormatException("Not a version 1 audit record.");
        }

        var chainId = reader.String();
        var sequence = reader.Int64();
        var time = FromMicroseconds(reader.Int64());
        var previous = reader.Hash();
        var action = reader.String();
        var outcome = reader.String();
        var resourceType = reader.String();
        var resourceId = reader.String();
        var revision = reader.OptionalInt();
        var items = reader.Items();
        var via = reader.OptionalString();
        var detail = reader.OptionalString();
        var actor = new AuditActor(reader.String(), reader.String(), reader.OptionalString(), reader.OptionalString(), reader.OptionalString(), reader.String());
        var origin = new AuditOrigin(reader.String(), reader.String(), reader.OptionalString(), reader.OptionalString(), reader.OptionalString());
        var flags = new string[reader.Count()];
        for (var i = 0; i < flags.Length; i++)
        {
            flags[i] = reader.String();
        }

        var witnesses = new AuditWitness[reader.Count()];
        for (var i = 0; i < witnesses.Length; i++)
        {
            witnesses[i] = new AuditWitness(reader.String(), reader.Int64(), reader.Hash());
        }

        reader.End();
        var entry = new AuditEntry
        {
            Action = action,
            Outcome = outcome,
            ResourceType = resourceType,
            ResourceId = resourceId,
            Revision = revision,
            Items = items,
            Via = via,
            Detail = detail,
            Actor = actor,
            Origin = origin,
        };
        return new AuditRecord(chainId, sequence, time, entry, flags, previous, hash) { Witnesses = witnesses };
    }

    public static long Microseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * 10), TimeSpan.Zero);

    /// <summary>Time as the canonical encoding keeps it: UTC, whole microseconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => FromMicroseconds(Microseconds(time));

    private void WriteItems(IReadOnlyList<AuditItem> items)
    {
        Int32(items.Count);
        foreach (var item in items)
        {
            String(item.ResourceType);
            String(item.Id);
            OptionalInt(item.Revision);
        }
    }

    private void Witnesses(IReadOnlyList<AuditWitness> witnesses)
    {
        Int32(witnesses.Count);
        foreach (var witness in witnesses)
        {
            String(witness.ChainId);
            Int64(witness.Sequence);
            Hash(witness.Hash);
        }
    }

    private void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Int32(length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    private void OptionalString(string? value)
    {
        _buffer.Write([value is null ? (byte)0 : (byte)1]);
        if (value is not null)
        {
            String(value);
        }
    }

    private void OptionalInt(int? value)
    {
        _buffer.Write([value is null ? (byte)0 : (byte)1]);
        if (value is { } present)
        {
            Int64(present);
        }
    }

    private void Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    private void Int64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    private void Hash(string hex)
    {
        var span = _buffer.GetSpan(HashSize);
        if (hex.Length != HashSize * 2 || Convert.FromHexString(hex, span[..HashSize], out _, out var written) != OperationStatus.Done || written != HashSize)
        {
            throw new FormatException("A hash must be 64 hex digits.");
        }

        _buffer.Advance(HashSize);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _offset;

        public string String()
        {
            var length = Count();
            var value = Encoding.UTF8.GetString(Take(length));
            return value;
        }

        public string? OptionalString() => Flag() ? String() : null;

        public AuditItem[] Items()
        {
            var items = new AuditItem[Count()];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = new AuditItem(String(), String(), OptionalInt());
            }

            return items;
        }

        public int? OptionalInt() => Flag() ? checked((int)Int64()) : null;

        public int Count()
        {
            var value = BinaryPrimitives.ReadInt32BigEndian(Take(4));
            return value >= 0 && value <= _bytes.Length - _offset ? value : throw new FormatException("A length runs past the record.");
        }

        public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public string Hash() => Convert.ToHexStringLower(Take(HashSize));

        public readonly void End()
        {
            if (_offset != _bytes.Length)
            {
                throw new FormatException("Bytes follow the end of the record.");
            }
        }

        private bool Flag() => Take(1)[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new FormatException("A presence byte must be 0 or 1."),
        };

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length > _bytes.Length - _offset)
            {
                throw new FormatException("The record ends early.");
            }

            var slice = _bytes.Slice(_offset, length);
            _offset += length;
            return slice;
        }
    }
}
