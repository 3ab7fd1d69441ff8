using System.Text.Json.Nodes;
using Confidant.Web.Api.Json;

namespace Confidant.Tests.Web.Api.Json;

/// <summary>The two response styles of spec §1.2.</summary>
public sealed class WireJsonTests
{
    [Fact]
    public void IsoDate_WholeSecond_FractionOmitted() =>
        Assert.Equal("2024-05-01T12:30:45+00:00", WireJson.IsoDate(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero)));

    [Fact]
    public void IsoDate_Microseconds_SixDigits() =>
        Assert.Equal("2024-05-01T12:30:45.000120+00:00",
            WireJson.IsoDate(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero).AddTicks(1_200)));

    [Fact]
    public void IsoDate_OtherOffset_ConvertedToUtc() =>
        Assert.Equal("2024-05-01T10:30:45.123456+00:00",
            WireJson.IsoDate(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.FromHours(2)).AddTicks(1_234_560)));

    [Fact]
    public void IsoDate_Null_Null() => Assert.Null(WireJson.IsoDate(null));

    [Fact]
    public void HttpDate_AnyTime_Rfc1123GmtWithoutFraction() =>
        Assert.Equal("Wed, 01 May 2024 12:30:45 GMT",
            WireJson.HttpDate(new DateTimeOffset(2024, 5, 1, 14, 30, 45, TimeSpan.FromHours(2)).AddTicks(9_999_999)));

    [Fact]
    public void Plain_NestedObjects_KeysSortedCompactTrailingNewline()
    {
        var node = new JsonObject
        {
            ["zeta"] = new JsonArray(new JsonObject { ["b"] = 1, ["a"] = null }),
            ["Alpha"] = new JsonObject { ["y"] = true, ["x"] = "v" },
            ["alpha"] = 2,
        };

        Assert.Equal("{\"Alpha\":{\"x\":\"v\",\"y\":true},\"alpha\":2,\"zeta\":[{\"a\":null,\"b\":1}]}\n", WireJson.Plain(node));
    }

    [Fact]
    public void Schema_Object_InsertionOrderPythonSeparatorsNoNewline()
    {
        var node = new JsonObject { ["name"] = "db", ["id"] = "x", ["keys"] = new JsonArray("a", "b") };

        Assert.Equal("{\"name\": \"db\", \"id\": \"x\", \"keys\": [\"a\", \"b\"]}", WireJson.Schema(node));
    }

    [Fact]
    public void Plain_NonAscii_EscapedAsPython() =>
        Assert.Equal("{\"v\":\"caf\\u00e9 \\\"q\\\"\"}\n", WireJson.Plain(new JsonObject { ["v"] = "café \"q\"" }));
}
