using System.Globalization;
using Confidant.Services.Rekey;
using Confidant.Services.Storage;

namespace Confidant.Web.Commands;

/// <summary>The re-encryption job as the <c>rekey</c> verbs print it.</summary>
internal static class RekeyReport
{
    private const int ListedOnScreen = 20;

    /// <summary>One line: where the job is, its rate and what is left.</summary>
    public static string Progress(RekeyJob job)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"rekey {job.Id}: {RekeyStatuses.ToWire(job.Status)}, {job.Processed} of {job.Total} items ({job.Progress * 100:0.0} %): {job.Rewritten} rewritten, {job.Skipped} skipped, {job.Failed} failed");
        if (job.Rate is { } rate)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; {rate:0.0} items/s");
        }

        return job.Eta is { } eta ? line + string.Create(CultureInfo.InvariantCulture, $", ETA {eta:hh\\:mm\\:ss}") : line;
    }

    /// <summary>Everything: what the job does, its progress, failures and the blind credentials with their owners.</summary>
    public static async Task WriteAsync(TextWriter output, RekeyJob job)
    {
        await output.WriteLineAsync(Progress(job));
        await output.WriteLineAsync($"mode: {RekeyModes.ToWire(job.Mode)}; target key: {job.TargetKeyArn} (asked as {job.TargetKey})"
            + (job.Selection.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {job.Selection.Count} credentials selected") : string.Empty));
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"queued by {job.QueuedBy} at {Date(job.QueuedAt)}; started {Date(job.StartedAt)}; ended {Date(job.EndedAt)}; {job.KmsCalls} key-service calls"));
        if (job.Worker is not null)
        {
            await output.WriteLineAsync($"worked by {job.Worker}");
        }

        if (job.Error is not null)
        {
            await output.WriteLineAsync($"error: {job.Error}");
        }

        foreach (var failure in job.Failures.Take(ListedOnScreen))
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"failed: {failure.Id} revision {failure.Revision} ({(failure.Table == StoreTable.Archive ? "archive" : "primary")} table): {failure.Error}"));
        }

        if (job.Failed > ListedOnScreen)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"... {job.Failed - ListedOnScreen} more failures (GET /v1/rekey lists {RekeyJob.ListedLimit})"));
        }

        if (job.BlindCredentialCount > 0)
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{job.BlindCredentialCount} blind credentials are encrypted by their clients and were not re-wrapped; ask their owners to re-encrypt them:"));
            foreach (var blind in job.BlindCredentials)
            {
                await output.WriteLineAsync($"blind: {blind.Id} {blind.Name}{(blind.Archived ? " (archived)" : string.Empty)}: "
                    + (blind.Owners.Count > 0 ? string.Join(", ", blind.Owners) : "no owner in its metadata"));
            }
        }
    }

    private static string Date(DateTimeOffset? date) =>
        date?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture) ?? "-";
}
