namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// A query of the delivery log, newest first. Null filters match everything. <see cref="Page"/> is the
/// <see cref="DeliveryPage.NextPage"/> of the previous page.
/// </summary>
public sealed record DeliveryQuery(
    string? Channel = null,
    string? Endpoint = null,
    string? EventId = null,
    string? Outcome = null,
    int Limit = DeliveryQuery.DefaultLimit,
    string? Page = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The page size, within 1..<see cref="MaxLimit"/>.</summary>
    public int PageSize => Math.Clamp(Limit, 1, MaxLimit);

    /// <summary>Whether <paramref name="attempt"/> passes every filter but the page.</summary>
    public bool Matches(DeliveryAttempt attempt) =>
        (Channel is null || attempt.Channel == Channel)
        && (Endpoint is null || attempt.Endpoint == Endpoint)
        && (EventId is null || attempt.EventId == EventId)
        && (Outcome is null || attempt.Outcome == Outcome);
}

/// <summary>A page of attempts newest first, and the token of the next page (null at the end).</summary>
public sealed record DeliveryPage(IReadOnlyList<DeliveryAttempt> Attempts, string? NextPage);
