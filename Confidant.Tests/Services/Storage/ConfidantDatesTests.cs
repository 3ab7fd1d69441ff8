using Confidant.Services.Storage;

namespace Confidant.Tests.Services.Storage;

public sealed class ConfidantDatesTests
{
    [Fact]
    public void ToStored_DateWithOffsetAndTicks_WritesUtcTruncatedToMicroseconds()
    {
        // Spec §6.4 / §12.1: yyyy-MM-ddTHH:mm:ss.ffffff+0000, always UTC, 31 characters.
        var date = new DateTimeOffset(2024, 5, 1, 14, 30, 45, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var text = ConfidantDates.ToStored(date);

        Assert.Equal("2024-05-01T12:30:45.123456+0000", text);
        Assert.Equal(ConfidantDates.Length, text.Length);
    }

    [Fact]
    public void ToStored_WholeSecond_KeepsSixZeroDigits()
    {
        Assert.Equal("2024-01-02T03:04:05.000000+0000", ConfidantDates.ToStored(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero)));
    }

    [Fact]
    public void TryParseStored_StoredText_ReturnsTheUtcInstant()
    {
        Assert.True(ConfidantDates.TryParseStored("2024-05-01T12:30:45.000001+0000", out var date));

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 30, 45, TimeSpan.Zero).AddTicks(10), date);
        Assert.Equal(TimeSpan.Zero, date.Offset);
    }

    [Theory]
    [InlineData("2024-05-01T12:30:45.123+0000")]
    [InlineData("2024-05-01T12:30:45.1234567+0000")]
    [InlineData("2024-05-01T12:30:45.123456+00:00")]
    [InlineData("2024-05-01T12:30:45.123456+0100")]
    [InlineData("2024-05-01T12:30:45.123456Z")]
    [InlineData("2024-05-01 12:30:45.123456+0000")]
    [InlineData("2024-13-01T12:30:45.123456+0000")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseStored_AnyOtherShape_ReturnsFalse(string? text)
    {
        Assert.False(ConfidantDates.TryParseStored(text, out _));
        Assert.Throws<FormatException>(() => ConfidantDates.ParseStored(text));
    }

    [Fact]
    public void ToStored_Dates_SortAsTextInTimeOrder()
    {
        // The GSI range key and SQLite paging compare the text (spec §12.1).
        var dates = new[]
        {
            new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(10),
            new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2023, 12, 31, 23, 59, 59, TimeSpan.Zero),
            new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.FromHours(-5)),
        };

        var byText = dates.OrderBy(ConfidantDates.ToStored, StringComparer.Ordinal);

        Assert.Equal(dates.Order(), byText);
    }

    [Fact]
    public void TruncateToMicroseconds_SubMicrosecondTicks_DropsThemAndKeepsTheInstant()
    {
        var date = new DateTimeOffset(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(19);

        var truncated = ConfidantDates.TruncateToMicroseconds(date);

        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(10), truncated);
        Assert.Equal(TimeSpan.Zero, truncated.Offset);
    }
}
