using System.Globalization;
using System.Text;
using Confidant.Services.Audit;

namespace Confidant.Web.Audit;

/// <summary>
/// Audit records as CSV (RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, quote or line
/// break). Every field a person or workload can influence (names, routes, user agents, resource ids) is neutralised
/// against formula injection: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return is
/// prefixed with <c>'</c>, so a spreadsheet shows it as text instead of running it (OWASP "CSV injection").
/// </summary>
public static class AuditCsv
{
    public static readonly string[] Columns =
    [
        "time", "chain_id", "sequence", "action", "outcome", "resource_type", "resource_id", "revision", "items", "via",
        "detail", "actor_name", "actor_type", "actor_subject", "actor_email", "actor_account", "auth_method", "channel",
        "route", "address", "user_agent", "request_id", "flags", "hash",
    ];

    public static string Header { get; } = string.Join(',', Columns) + "\r\n";

    public static string Row(AuditRecord record)
    {
        var entry = record.Entry;
        string?[] fields =
        [
            record.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            record.ChainId,
            record.Sequence.ToString(CultureInfo.InvariantCulture),
            entry.Action,
            entry.Outcome,
            entry.ResourceType,
            entry.ResourceId,
            entry.Revision?.ToString(CultureInfo.InvariantCulture),
            string.Join(' ', entry.Items.Select(i => i.Revision is { } revision
                ? string.Create(CultureInfo.InvariantCulture, $"{i.ResourceType}:{i.Id}@{revision}")
                : $"{i.ResourceType}:{i.Id}")),
            entry.Via,
            entry.Detail,
            entry.Actor.Name,
            entry.Actor.Type,
            entry.Actor.Subject,
            entry.Actor.Email,
            entry.Actor.Account,
            entry.Actor.AuthMethod,
            entry.Origin.Channel,
            entry.Origin.Route,
            entry.Origin.Address,
            entry.Origin.UserAgent,
            entry.Origin.RequestId,
            string.Join(' ', record.Flags),
            record.Hash,
        ];
        var line = new StringBuilder();
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            AppendField(line, fields[i] ?? string.Empty);
        }

        return line.Append("\r\n").ToString();
    }

    /// <summary>One cell: defused against formulas, then quoted when RFC 4180 requires it.</summary>
    public static void AppendField(StringBuilder line, string value)
    {
        var cell = value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
        if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(cell);
            return;
        }

        line.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
