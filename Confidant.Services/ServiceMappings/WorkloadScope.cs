using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.ServiceMappings;

/// <summary>What a workload may be served through its service mapping (spec §4.5).</summary>
internal static class WorkloadScope
{
    /// <summary>
    /// Spec §4.5 account scoping: a service with an account is served only to tokens of that account. People are
    /// not scoped (the original crashed for them, spec §13.13).
    /// </summary>
    public static void EnsureAccount(ConfidantPrincipal caller, ServiceItem service)
    {
        if (caller.IsService && service.Account is not null && !string.Equals(service.Account, caller.Account, StringComparison.Ordinal))
        {
            throw new ConfidantException(ConfidantErrorKind.Unauthorized, "Authenticated user is not authorized.", service.Id);
        }
    }

    /// <summary>Whether a resource is served to a workload: disabled ones are not (spec §13.9 recommends it).</summary>
    public static bool IsServed(ConfidantPrincipal caller, StoredItem item) => !caller.IsService || item.Enabled;
}
