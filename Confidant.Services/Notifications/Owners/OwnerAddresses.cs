using Confidant.Services.Notifications.Email;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Notifications.Owners;

/// <summary>
/// Turns owners into e-mail addresses: an owner that is an address stands for itself, a group name for the addresses
/// <c>Notifications:Groups:&lt;name&gt;</c> lists; anything else is unresolved and reported as such.
/// </summary>
public sealed class OwnerAddresses(IOptions<NotificationsOptions> options)
{
    // Group names match without regard to case, whatever dictionary the configuration binder made.
    private readonly Dictionary<string, string[]> _groups = new(options.Value.Groups, StringComparer.OrdinalIgnoreCase);

    public OwnerRecipients Resolve(IEnumerable<string> owners)
    {
        var addresses = new List<string>();
        var unresolved = new List<string>();
        foreach (var owner in owners.Select(o => o.Trim()).Where(o => o.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (EmailAddresses.IsValid(owner))
            {
                addresses.Add(owner);
            }
            else if (_groups.TryGetValue(owner, out var members) && members.Length > 0)
            {
                addresses.AddRange(members);
            }
            else
            {
                unresolved.Add(owner);
            }
        }

        return new OwnerRecipients(addresses.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), unresolved);
    }
}

/// <summary>The addresses owners resolve to, and the owners that resolve to none.</summary>
public sealed record OwnerRecipients(IReadOnlyList<string> Addresses, IReadOnlyList<string> Unresolved);
