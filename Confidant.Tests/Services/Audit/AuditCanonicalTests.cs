using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Confidant.Services.Audit;

namespace Confidant.Tests.Services.Audit;

/// <summary>The canonical encoding, byte for byte as docs/decisions/0012-audit-chain.md describes it, so a third party can re-verify.</summary>
public sealed class AuditCanonicalTests
{
    private static readonly AuditRecord Sample = new(
        "20260401T090000Z-0123456789abcdef",
        7,
        new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(1234560),
        new AuditEntry
        {
            Action = "service_read",
            Outcome = "delivered",
            ResourceType = "service",
            ResourceId = "billing",
            Items = [new AuditItem("credential", "c1", 3)],
            Via = "billing",
            Actor = new AuditActor("billing", "service", null, null, "acct2", "kmsauth"),
            Origin = new AuditOrigin("rest", "GET /v1/services/{id}", "10.0.0.1", null, "r-1"),
        },
        ["first_access"],
        new string('a', 64),
        string.Empty);

    [Fact]
    public void Record_IsTheDocumentedLayout()
    {
        var expected = new List<byte>();
        void Str(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            Int32(bytes.Length);
            expected.AddRange(bytes);
        }

        void Int32(int value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
            expected.AddRange(bytes);
        }

        void Int64(long value)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            expected.AddRange(bytes);
        }

        Str("confidant-audit-record/1");
        Str(Sample.ChainId);
        Int64(7);
        Int64(1_775_034_000_123_456);
        expected.AddRange(Enumerable.Repeat((byte)0xaa, 32));
        Str("service_read");
        Str("delivered");
        Str("service");
        Str("billing");
        expected.Add(0);
        Int32(1);
        Str("credential");
        Str("c1");
        expected.Add(1);
        Int64(3);
        expected.Add(1);
        Str("billing");
        expected.Add(0);
        Str("billing");
        Str("service");
        expected.Add(0);
        expected.Add(0);
        expected.Add(1);
        Str("acct2");
        Str("kmsauth");
        Str("rest");
        Str("GET /v1/services/{id}");
        expected.Add(1);
        Str("10.0.0.1");
        expected.Add(0);
        expected.Add(1);
        Str("r-1");
        Int32(1);
        Str("first_access");
        Int32(0);

        var canonical = new AuditCanonical();

        Assert.Equal(expected.ToArray(), canonical.Record(Sample).ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected.ToArray())), canonical.HashOf(Sample));
        // The known answer published in the decision record, computed apart from this code.
        Assert.Equal("cdf0c6cd69641a5f7db70766f0180a58f9ef417908e8b196261771e072218a00", canonical.HashOf(Sample));
    }

    [Fact]
    public void CheckpointMessage_IsTheKnownAnswerOfTheDocumentedLayout()
    {
        var checkpoint = new AuditCheckpoint(
            "20260401T090000Z-0123456789abcdef",
            2,
            2000,
            new string('b', 64),
            new DateTimeOffset(2026, 4, 1, 9, 1, 0, TimeSpan.Zero),
            false,
            [new AuditWitness("20260401T085500Z-fedcba9876543210", 41, new string('c', 64))],
            new string('d', 64),
            "alias/confidant-audit",
            string.Empty);
        var canonical = new AuditCanonical();

        var message = Convert.ToHexStringLower(canonical.CheckpointMessage(checkpoint));

        // The known answer published in the decision record, computed apart from this code; the key and the MAC
        // itself are not part of the message.
        Assert.Equal("f1535f06b7c99ce226c2f7da1c180ef3137bc3cfdbcdad5dfc20948a13818bb9", message);
        Assert.Equal(message, Convert.ToHexStringLower(canonical.CheckpointMessage(checkpoint with { KeyId = "other", Mac = "00" })));
        Assert.NotEqual(message, Convert.ToHexStringLower(canonical.CheckpointMessage(checkpoint with { Final = true })));
        Assert.NotEqual(message, Convert.ToHexStringLower(canonical.CheckpointMessage(checkpoint with { PreviousMac = string.Empty })));
    }

    [Fact]
    public void ParseRecord_ReadsBackWhatWasWritten()
    {
        var canonical = new AuditCanonical();
        var hash = canonical.HashOf(Sample);

        var parsed = AuditCanonical.ParseRecord(canonical.Record(Sample), hash);

        Assert.Equal(hash, canonical.HashOf(parsed));
        Assert.Equal((Sample.ChainId, Sample.Sequence, Sample.Time, hash), (parsed.ChainId, parsed.Sequence, parsed.Time, parsed.Hash));
        Assert.Equal(Sample.Entry.Items, parsed.Entry.Items);
        Assert.Equal(Sample.Entry.Actor, parsed.Entry.Actor);
    }

    [Fact]
    public void HashOf_MovingABoundaryOrAnAbsentValue_ChangesTheHash()
    {
        var canonical = new AuditCanonical();
        var original = canonical.HashOf(Sample);

        var moved = canonical.HashOf(Sample with { Entry = Sample.Entry with { ResourceType = "servicebill", ResourceId = "ing" } });
        var emptyNotAbsent = canonical.HashOf(Sample with { Entry = Sample.Entry with { Detail = string.Empty } });
        var flagged = canonical.HashOf(Sample with { Flags = [] });

        Assert.Equal(4, new[] { original, moved, emptyNotAbsent, flagged }.Distinct().Count());
    }

    [Fact]
    public void ParseRecord_TruncatedOrTrailingBytes_FormatException()
    {
        var bytes = new AuditCanonical().Record(Sample).ToArray();

        Assert.Throws<FormatException>(() => AuditCanonical.ParseRecord(bytes.AsSpan(0, bytes.Length - 1), string.Empty));
        Assert.Throws<FormatException>(() => AuditCanonical.ParseRecord([.. bytes, 0], string.Empty));
    }
}
