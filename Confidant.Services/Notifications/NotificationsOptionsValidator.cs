using System.Net;
using Confidant.Services.Notifications.Email;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Notifications;

/// <summary>Refuses notification settings that could not deliver, or would leak, at start-up, naming the key.</summary>
internal sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    private const string Section = NotificationsOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        var failures = new List<string>();
        ValidateSmtp(options.Smtp, failures);
        foreach (var contact in options.SecurityContacts.Where(c => !EmailAddresses.IsValid(c)))
        {
            failures.Add($"{Section}:SecurityContacts holds '{contact}', which is not an e-mail address.");
        }

        foreach (var (group, addresses) in options.Groups)
        {
            foreach (var address in addresses.Where(a => !EmailAddresses.IsValid(a)))
            {
                failures.Add($"{Section}:Groups:{group} holds '{address}', which is not an e-mail address.");
            }
        }

        if (!options.Smtp.Enabled && (options.SecurityContacts.Length > 0 || options.Groups.Count > 0))
        {
            failures.Add($"{Section}:SecurityContacts and {Section}:Groups are e-mail addresses: set {Section}:Smtp:Host too.");
        }

        if (string.IsNullOrWhiteSpace(options.OwnerMessage.Subject) || options.OwnerMessage.Subject.IndexOfAny(['\r', '\n']) >= 0)
        {
            failures.Add($"{Section}:OwnerMessage:Subject must be one line of text.");
        }

        if (string.IsNullOrWhiteSpace(options.OwnerMessage.Body))
        {
            failures.Add($"{Section}:OwnerMessage:Body must not be empty.");
        }

        Range(failures, "UnusualAccess:MessagesPerWindow", options.UnusualAccess.MessagesPerWindow, 1, 1000);
        Range(failures, "UnusualAccess:WindowSeconds", options.UnusualAccess.WindowSeconds, 10, 86_400);
        Range(failures, "DeliveryLog:RetentionDays", options.DeliveryLog.RetentionDays, 1, 3650);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateSmtp(SmtpOptions smtp, List<string> failures)
    {
        const string key = $"{Section}:Smtp";
        if (!smtp.Enabled)
        {
            return;
        }

        Range(failures, "Smtp:Port", smtp.Port, 1, 65_535);
        if (!Enum.IsDefined(smtp.Tls))
        {
            failures.Add($"{key}:Tls must be None, StartTls or Implicit.");
        }

        if (!EmailAddresses.IsValid(smtp.From))
        {
            failures.Add($"{key}:From must be the sender's e-mail address.");
        }

        if (string.IsNullOrEmpty(smtp.Username) != string.IsNullOrEmpty(smtp.Password))
        {
            failures.Add($"{key}:Username and {key}:Password go together (the password from the environment).");
        }

        // A password sent in clear can be read on the way; only a relay on this machine is spared TLS.
        if (smtp.Tls == SmtpTls.None && !string.IsNullOrEmpty(smtp.Username) && !IsLoopback(smtp.Host!))
        {
            failures.Add($"{key}:Tls None sends the credentials in clear: use StartTls or Implicit, or a relay on this machine.");
        }

        smtp.Validate(key, failures);
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static void Range(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Section}:{key} must be between {min} and {max} (was {value}).");
        }
    }
}
