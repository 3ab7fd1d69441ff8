using MimeKit;

namespace Confidant.Services.Notifications.Email;

/// <summary>What counts as an e-mail address here: a bare <c>local@domain</c>, without a display name or comments.</summary>
public static class EmailAddresses
{
    public static bool IsValid(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && text.IndexOf('@', StringComparison.Ordinal) > 0
        && !text.Any(char.IsWhiteSpace)
        && MailboxAddress.TryParse(text, out var mailbox)
        && string.Equals(mailbox.Address, text, StringComparison.Ordinal);
}
