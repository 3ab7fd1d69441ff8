using System.Text;
using Confidant.Services.Audit;
using Confidant.Web.Audit;

namespace Confidant.Tests.Web.Audit;

public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\")", "\"'=HYPERLINK(\"\"http://evil.example\"\")\"")]
    [InlineData("+1+2", "'+1+2")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("plain-name=1", "plain-name=1")]
    [InlineData("", "")]
    public void AppendField_ValueAPersonCanChoose_TextNotFormulaAndQuotedWhenNeeded(string value, string expected)
    {
        var line = new StringBuilder();

        AuditCsv.AppendField(line, value);

        Assert.Equal(expected, line.ToString());
    }

    [Fact]
    public void Row_Record_EveryColumnInHeaderOrder()
    {
        var record = new AuditRecord(
            "chain1",
            7,
            new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560),
            new AuditEntry
            {
                Action = AuditActions.ServiceRead,
                Outcome = AuditOutcomes.Delivered,
                ResourceType = "service",
                ResourceId = "billing",
                Items = [new AuditItem("credential", "c1", 3), new AuditItem("blind_credential", "b1", null)],
                Via = "billing",
                Actor = new AuditActor("billing", "service", null, null, "acct2", AuditAuthMethods.KmsAuth),
                Origin = new AuditOrigin(AuditChannels.Rest, "GET /v1/services/{id}", "10.0.0.1", "=cmd|' /C calc'!A0", "req-1"),
            },
            [AuditFlags.FirstAccess, AuditFlags.Rate],
            new string('0', 64),
            new string('a', 64));

        var row = AuditCsv.Row(record);

        Assert.Equal(AuditCsv.Columns.Length, AuditCsv.Header.TrimEnd().Split(',').Length);
        Assert.Equal(
            "2026-03-01T12:00:00.123456Z,chain1,7,service_read,delivered,service,billing,,credential:c1@3 blind_credential:b1,billing,,"
            + "billing,service,,,acct2,kmsauth,rest,GET /v1/services/{id},10.0.0.1,'=cmd|' /C calc'!A0,req-1,first_access rate,"
            + new string('a', 64) + "\r\n",
            row);
    }
}
