using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using Confidant.Services.Exposure;

namespace Confidant.Services.Storage.DynamoDb;

/// <summary>
/// Byte-exact attribute encodings of spec §6.4-6.7, so that Confidant reads what we write and we read what any
/// Confidant version wrote.
/// </summary>
internal static class ItemCodec
{
    public static Dictionary<string, AttributeValue> Encode(StoredItem item)
    {
        var attributes = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            ["id"] = S(item.Id),
            ["data_type"] = S(item.DataType.ToWire()),
            ["revision"] = N(item.Revision),
            ["enabled"] = new AttributeValue { BOOL = item.Enabled },
            ["modified_date"] = S(ConfidantDates.ToStored(item.ModifiedDate)),
            ["modified_by"] = S(item.ModifiedBy),
        };
        AddDate(attributes, "archive_date", item.ArchiveDate);
        switch (item)
        {
            case CredentialItem credential:
                attributes["name"] = S(credential.Name);
                attributes["credential_pairs"] = S(credential.CredentialPairs);
                // Spec §6.4 double base64: the B bytes are the ASCII text of the base64 KMS blob.
                attributes["data_key"] = AsciiBinary(credential.DataKey);
                attributes["cipher_version"] = N(credential.CipherVersion);
                attributes["metadata"] = S(credential.Metadata);
                AddString(attributes, "documentation", credential.Documentation);
                // Spec §12.6: tags are always an L, even when empty.
                attributes["tags"] = new AttributeValue { L = [.. credential.Tags.Select(S)], IsLSet = true };
                AddDate(attributes, "last_rotation_date", credential.LastRotationDate);
                AddDate(attributes, "last_decrypted_date", credential.LastDecryptedDate);
                if (credential.Fingerprints is { } fingerprints)
                {
                    attributes["fingerprints"] = S(StoredItemJson.SerializeValue(fingerprints));
                }

                break;
            case BlindCredentialItem blind:
                attributes["name"] = S(blind.Name);
                attributes["credential_pairs"] = S(blind.CredentialPairs);
                AddSet(attributes, "credential_keys", blind.CredentialKeys);
                attributes["data_key"] = S(blind.DataKey);
                attributes["cipher_type"] = S(blind.CipherType);
                attributes["cipher_version"] = N(blind.CipherVersion);
                attributes["metadata"] = S(blind.Metadata);
                AddString(attributes, "documentation", blind.Documentation);
                break;
            case ServiceItem service:
                AddSet(attributes, "credentials", service.Credentials);
                AddSet(attributes, "blind_credentials", service.BlindCredentials);
                AddString(attributes, "account", service.Account);
                break;
            case ExposureMark mark:
                EncodeMark(attributes, mark);
                break;
            case JobItem job:
                attributes["body"] = S(job.Body);
                break;
            default:
                throw new ArgumentException($"Unknown item kind {item.GetType().Name}.", nameof(item));
        }

        return attributes;
    }

    /// <summary>Decodes an item; unknown attributes are ignored, legacy encodings tolerated (spec §6.4).</summary>
    public static StoredItem Decode(Dictionary<string, AttributeValue> attributes)
    {
        var reader = new AttributeReader(attributes);
        var dataTypeText = reader.RequiredString("data_type");
        if (!DataTypes.TryParse(dataTypeText, out var dataType))
        {
            throw reader.Unreadable("data_type");
        }

        var common = (
            Id: reader.Id,
            Revision: reader.RequiredInt("revision"),
            Enabled: reader.RequiredBool("enabled"),
            ModifiedDate: reader.RequiredDate("modified_date"),
            ModifiedBy: reader.RequiredString("modified_by"),
            ArchiveDate: reader.OptionalDate("archive_date"));

        return dataType.CurrentType() switch
        {
            DataType.Credential => new CredentialItem
            {
                Id = common.Id,
                DataType = dataType,
                Revision = common.Revision,
                Enabled = common.Enabled,
                ModifiedDate = common.ModifiedDate,
                ModifiedBy = common.ModifiedBy,
                ArchiveDate = common.ArchiveDate,
                Name = reader.RequiredString("name"),
                CredentialPairs = reader.RequiredString("credential_pairs"),
                DataKey = reader.RequiredAsciiBinary("data_key"),
                // Spec §6.5: absent cipher_version is treated as 2.
                CipherVersion = reader.OptionalInt("cipher_version") ?? 2,
                Metadata = reader.OptionalString("metadata") ?? "{}",
                Documentation = reader.OptionalString("documentation"),
                Tags = reader.StringList("tags"),
                LastRotationDate = reader.OptionalDate("last_rotation_date"),
                LastDecryptedDate = reader.OptionalDate("last_decrypted_date"),
                Fingerprints = reader.OptionalString("fingerprints") is null ? null : Json<ValueFingerprints>(reader, "fingerprints"),
            },
            DataType.BlindCredential => new BlindCredentialItem
            {
                Id = common.Id,
                DataType = dataType,
                Revision = common.Revision,
                Enabled = common.Enabled,
                ModifiedDate = common.ModifiedDate,
                ModifiedBy = common.ModifiedBy,
                ArchiveDate = common.ArchiveDate,
                Name = reader.RequiredString("name"),
                CredentialPairs = reader.RequiredString("credential_pairs"),
                CredentialKeys = reader.StringSet("credential_keys"),
                DataKey = reader.RequiredString("data_key"),
                CipherType = reader.RequiredString("cipher_type"),
                CipherVersion = reader.RequiredInt("cipher_version"),
                Metadata = reader.OptionalString("metadata") ?? "{}",
                Documentation = reader.OptionalString("documentation"),
            },
            DataType.Exposure => DecodeMark(reader, common),
            DataType.Job => new JobItem
            {
                Id = common.Id,
                DataType = dataType,
                Revision = common.Revision,
                Enabled = common.Enabled,
                ModifiedDate = common.ModifiedDate,
                ModifiedBy = common.ModifiedBy,
                Body = reader.RequiredString("body"),
            },
            _ => new ServiceItem
            {
                Id = common.Id,
                DataType = dataType,
                Revision = common.Revision,
                Enabled = common.Enabled,
                ModifiedDate = common.ModifiedDate,
                ModifiedBy = common.ModifiedBy,
                ArchiveDate = common.ArchiveDate,
                Credentials = reader.StringSet("credentials"),
                BlindCredentials = reader.StringSet("blind_credentials"),
                Account = reader.OptionalString("account"),
            },
        };
    }

    private static void EncodeMark(Dictionary<string, AttributeValue> attributes, ExposureMark mark)
    {
        attributes["resource_type"] = S(mark.ResourceType);
        attributes["resource_id"] = S(mark.ResourceId);
        attributes["from_revision"] = N(mark.FromRevision);
        attributes["to_revision"] = N(mark.ToRevision);
        attributes["reason"] = S(mark.Reason);
        attributes["incident"] = S(mark.Incident);
        AddString(attributes, "service_id", mark.ServiceId);
        attributes["marked_by"] = S(mark.MarkedBy);
        AddDate(attributes, "marked_at", mark.MarkedAt);
        AddString(attributes, "fingerprint_key_id", mark.FingerprintKeyId);
        attributes["pairs"] = S(StoredItemJson.SerializeValue(mark.Pairs));
        AddDate(attributes, "cleared_at", mark.ClearedAt);
        AddString(attributes, "cleared_by", mark.ClearedBy);
        if (mark.ClearedRevision is { } cleared)
        {
            attributes["cleared_revision"] = N(cleared);
        }
    }

    private static ExposureMark DecodeMark(
        AttributeReader reader,
        (string Id, int Revision, bool Enabled, DateTimeOffset ModifiedDate, string ModifiedBy, DateTimeOffset? ArchiveDate) common) => new()
        {
            Id = common.Id,
            DataType = DataType.Exposure,
            Revision = common.Revision,
            Enabled = common.Enabled,
            ModifiedDate = common.ModifiedDate,
            ModifiedBy = common.ModifiedBy,
            ResourceType = reader.RequiredString("resource_type"),
            ResourceId = reader.RequiredString("resource_id"),
            FromRevision = reader.RequiredInt("from_revision"),
            ToRevision = reader.RequiredInt("to_revision"),
            Reason = reader.RequiredString("reason"),
            Incident = reader.RequiredString("incident"),
            ServiceId = reader.OptionalString("service_id"),
            MarkedBy = reader.RequiredString("marked_by"),
            MarkedAt = reader.RequiredDate("marked_at"),
            FingerprintKeyId = reader.OptionalString("fingerprint_key_id"),
            Pairs = Json<List<ExposedPair>>(reader, "pairs"),
            ClearedAt = reader.OptionalDate("cleared_at"),
            ClearedBy = reader.OptionalString("cleared_by"),
            ClearedRevision = reader.OptionalInt("cleared_revision"),
        };

    /// <summary>An attribute holding JSON text in the SQLite body's form; unreadable JSON names the attribute only.</summary>
    private static T Json<T>(AttributeReader reader, string name)
    {
        try
        {
            return StoredItemJson.DeserializeValue<T>(reader.RequiredString(name));
        }
        catch (System.Text.Json.JsonException)
        {
            throw reader.Unreadable(name);
        }
    }

    public static Dictionary<string, AttributeValue> Key(string id) =>
        new(StringComparer.Ordinal) { ["id"] = S(id) };

    public static AttributeValue S(string value) => new() { S = value };

    /// <summary>A B attribute holding the ASCII bytes of <paramref name="text"/> (spec §6.4: a credential's data_key).</summary>
    public static AttributeValue AsciiBinary(string text) => new() { B = new MemoryStream(Encoding.ASCII.GetBytes(text)) };

    public static AttributeValue N(int value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static void AddString(Dictionary<string, AttributeValue> attributes, string name, string? value)
    {
        if (value is not null)
        {
            attributes[name] = S(value);
        }
    }

    private static void AddDate(Dictionary<string, AttributeValue> attributes, string name, DateTimeOffset? value)
    {
        if (value is { } date)
        {
            attributes[name] = S(ConfidantDates.ToStored(date));
        }
    }

    private static void AddSet(Dictionary<string, AttributeValue> attributes, string name, IReadOnlyList<string> values)
    {
        // DynamoDB forbids empty sets and duplicate members (spec §6.4: omitted when empty).
        if (values.Count > 0)
        {
            attributes[name] = new AttributeValue { SS = [.. values.Distinct(StringComparer.Ordinal)] };
        }
    }
}
