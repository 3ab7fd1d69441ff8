namespace Confidant.Services.Storage;

/// <summary>
/// This process's changes to announce: whether there are any, whether every process is to forget its data keys, and
/// the items they touched (null when that cannot be narrowed down); <see cref="From"/> is where they start.
/// </summary>
internal sealed record PendingAnnouncement(bool Changed, bool ForgetDataKeys, IReadOnlySet<string>? Touched, long From);
