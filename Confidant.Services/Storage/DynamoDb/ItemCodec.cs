using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;

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
                attributes["data_key"] = new AttributeValue { B = new MemoryStream(Encoding.ASCII.GetBytes(credential.DataKey)) };
                attributes["cipher_version"] = N(credential.CipherVersion);
                attributes["metadata"] = S(credential.Metadata);
                AddString(attributes, "documentation", credential.Documentation);
                // Spec §12.6: tags are always an L, even when empty.
                attributes["tags"] = new AttributeValue { L = [.. credential.Tags.Select(S)], IsLSet = true };
                AddDate(attributes, "last_rotation_date", credential.LastRotationDate);
                AddDate(attributes, "last_decrypted_date", credential.LastDecryptedDate);
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

    public static Dictionary<string, AttributeValue> Key(string id) =>
        new(StringComparer.Ordinal) { ["id"] = S(id) };

    public static AttributeValue S(string value) => new() { S = value };

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

    private sealed class AttributeReader(Dictionary<string, AttributeValue> attributes)
    {
        public string Id { get; } = attributes.TryGetValue("id", out var id) && id.S is { } text ? text : "(no id)";

        public InvalidDataException Unreadable(string attribute) =>
            new($"Stored item '{Id}' has a missing or unreadable attribute '{attribute}'.");

        public string RequiredString(string name) => OptionalString(name) ?? throw Unreadable(name);

        public string? OptionalString(string name) =>
            attributes.TryGetValue(name, out var value) ? value.S ?? throw Unreadable(name) : null;

        public int RequiredInt(string name) => OptionalInt(name) ?? throw Unreadable(name);

        public int? OptionalInt(string name)
        {
            if (!attributes.TryGetValue(name, out var value))
            {
                return null;
            }

            return int.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw Unreadable(name);
        }

        public bool RequiredBool(string name)
        {
            if (attributes.TryGetValue(name, out var value))
            {
                if (value.IsBOOLSet)
                {
                    return value.BOOL == true;
                }

                // Items written before Confidant 4.0 hold N 0/1 (spec §6.4).
                switch (value.N)
                {
                    case "0": return false;
                    case "1": return true;
                }
            }

            throw Unreadable(name);
        }

        public DateTimeOffset RequiredDate(string name) => OptionalDate(name) ?? throw Unreadable(name);

        public DateTimeOffset? OptionalDate(string name)
        {
            if (!attributes.TryGetValue(name, out var value))
            {
                return null;
            }

            return ConfidantDates.TryParseStored(value.S, out var date) ? date : throw Unreadable(name);
        }

        public string RequiredAsciiBinary(string name)
        {
            if (!attributes.TryGetValue(name, out var value) || value.B is null)
            {
                throw Unreadable(name);
            }

            var bytes = value.B.ToArray();
            if (bytes.Any(b => b > 0x7F))
            {
                throw Unreadable(name);
            }

            return Encoding.ASCII.GetString(bytes);
        }

        public List<string> StringList(string name)
        {
            if (!attributes.TryGetValue(name, out var value))
            {
                return [];
            }

            if (value.L is { } list)
            {
                return [.. list.Select(element => element.S ?? throw Unreadable(name))];
            }

            return value.SS is { } set ? [.. set] : throw Unreadable(name);
        }

        public IReadOnlyList<string> StringSet(string name)
        {
            if (!attributes.TryGetValue(name, out var value))
            {
                return [];
            }

            if (value.SS is not { } set)
            {
                throw Unreadable(name);
            }

            // Sets have no order; sorting makes reads deterministic. Pre-2.0 data JSON-quotes each member.
            return [.. set.Select(Unquote).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        private static string Unquote(string member)
        {
            if (member.Length >= 2 && member[0] == '"' && member[^1] == '"')
            {
                try
                {
                    return JsonSerializer.Deserialize<string>(member) ?? member;
                }
                catch (JsonException)
                {
                    return member;
                }
            }

            return member;
        }
    }
}
