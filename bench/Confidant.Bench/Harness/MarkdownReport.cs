using System.Globalization;
using System.Text;

namespace Confidant.Bench.Harness;

/// <summary>The results as one Markdown table; the ratio compares each row's ops/s with the first row of its group.</summary>
internal static class MarkdownReport
{
    public static string Table(IReadOnlyList<ResultRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| Scenario | Variant | Ops | Mean | p50 | p99 | Ops/s | Alloc/op | CPU/op | KMS calls/op | Ops/s ÷ first row |");
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var group in rows.GroupBy(r => r.Group))
        {
            var baseline = group.First();
            foreach (var row in group)
            {
                var ratio = ReferenceEquals(row, baseline) ? "1 (baseline)" : Number(row.OpsPerSecond / baseline.OpsPerSecond, 3);
                text.AppendLine(Invariant(
                    $"| {row.Group} | {row.Variant} | {row.Operations} | {Duration(row.MeanMs)} | {Duration(row.P50Ms)} | {Duration(row.P99Ms)} | {Number(row.OpsPerSecond, 0)} | {Bytes(row.AllocatedBytesPerOp)} | {Duration(row.CpuMsPerOp)} | {Calls(row.KmsCallsPerOp)} | {ratio} |"));
            }
        }

        return text.ToString();
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Duration(double milliseconds) => milliseconds < 1
        ? Invariant($"{milliseconds * 1000:0.0} µs")
        : Invariant($"{milliseconds:0.00} ms");

    private static string Bytes(double bytes) => bytes < 1024
        ? Invariant($"{bytes:0} B")
        : Invariant($"{bytes / 1024:0.0} KB");

    private static string Calls(double? calls) => calls is { } value ? Number(value, 3) : "–";

    private static string Number(double value, int decimals) =>
        value.ToString(decimals == 0 ? "#,0" : "#,0." + new string('0', decimals), CultureInfo.InvariantCulture);
}
