using System.Globalization;

namespace Confidant.Bench;

/// <summary>Command-line settings of one run. Every scenario of a run uses the same settings.</summary>
internal sealed record BenchOptions
{
    public const string Usage =
        "usage: bench/run.sh [--iterations N] [--rounds N] [--workers N] [--duration SECONDS] [--warmup SECONDS] [--audit-records N] [--rekey-credentials N] [--sidebar-credentials N,N,...] [--only audit|api|rekey|sidebar|soak] [--soak-seconds N] [--quick]";

    /// <summary>Timed operations per variant of the scenarios that cross a process boundary (moto, dynalite, SQLite).</summary>
    public int Iterations { get; init; } = 400;

    /// <summary>In-process variants (local key ring) are an order of magnitude faster: this many times more operations.</summary>
    public int InProcessFactor { get; init; } = 10;

    /// <summary>The variants of a pair run alternately in this many rounds, so slow drift of a noisy machine hits both.</summary>
    public int Rounds { get; init; } = 4;

    public int Workers { get; init; } = 8;

    /// <summary>Measured load per target of the HTTP scenario, split over <see cref="Rounds"/>.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Timed full page loads per variant of the browser scenario (each one a new Blazor circuit).</summary>
    public int PageLoads { get; init; } = 10;

    /// <summary>Timed filter keystrokes per variant of the browser scenario.</summary>
    public int Keystrokes { get; init; } = 50;

    /// <summary>Records of the audit verify scenario on SQLite (its target is for 1,000,000).</summary>
    public int AuditRecords { get; init; } = 1_000_000;

    /// <summary>Records of the audit verify scenario on dynalite, which is much slower to fill.</summary>
    public int DynamoAuditRecords { get; init; } = 50_000;

    /// <summary>Credentials of the re-encryption scenario on SQLite (a quarter of them on dynalite), 4 stored items each.</summary>
    public int RekeyCredentials { get; init; } = 500;

    /// <summary>Credentials of each variant of the browser scenario, side by side in one run; the first is the baseline.</summary>
    public IReadOnlyList<int> SidebarCredentials { get; init; } = [100, 10_000];

    /// <summary>Measured seconds of the soak scenario (<c>--only soak</c>), after its warm-up.</summary>
    public int SoakSeconds { get; init; } = 600;

    /// <summary>Only this scenario (<c>audit</c>, <c>api</c>: the REST hot path, <c>rekey</c>, <c>sidebar</c>, <c>soak</c>), or every one when null.</summary>
    public string? Only { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--iterations" => options with { Iterations = Positive(args, ++i) },
                "--rounds" => options with { Rounds = Positive(args, ++i) },
                "--workers" => options with { Workers = Positive(args, ++i) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Positive(args, ++i)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Positive(args, ++i)) },
                "--audit-records" => options with { AuditRecords = Positive(args, ++i) },
                "--rekey-credentials" => options with { RekeyCredentials = Positive(args, ++i) },
                "--sidebar-credentials" => options with { SidebarCredentials = Counts(args, ++i) },
                "--soak-seconds" => options with { SoakSeconds = Positive(args, ++i) },
                "--only" => options with { Only = ++i < args.Count && args[i] is "audit" or "api" or "rekey" or "sidebar" or "soak" ? args[i] : throw new ArgumentException($"--only takes 'audit', 'api', 'rekey', 'sidebar' or 'soak'. {Usage}") },
                "--quick" => options with { Iterations = 60, Rounds = 2, Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.FromSeconds(1), PageLoads = 4, Keystrokes = 10, AuditRecords = 20_000, DynamoAuditRecords = 4_000, RekeyCredentials = 40 },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}"),
            };
        }

        return options;
    }

    private static int[] Counts(IReadOnlyList<string> args, int index)
    {
        var parts = index < args.Count ? args[index].Split(',') : [];
        var counts = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToArray();
        return counts.Length >= 2 && counts.All(n => n > 0)
            ? counts
            : throw new ArgumentException($"'{args[index - 1]}' needs two or more positive whole numbers separated by commas. {Usage}");
    }

    private static int Positive(IReadOnlyList<string> args, int index) =>
        index < args.Count && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{args[index - 1]}' needs a positive whole number. {Usage}");
}
