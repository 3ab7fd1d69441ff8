using Confidant.Services.Audit;

namespace Confidant.Tests.Services.Audit;

public sealed class AuditOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds() =>
        Assert.True(new AuditOptionsValidator().Validate(null, new AuditOptions()).Succeeded);

    [Theory]
    [InlineData("AppendTimeoutSeconds", "Audit:AppendTimeoutSeconds must be between 1 and 300 (was 0).")]
    [InlineData("CheckpointRecords", "Audit:CheckpointRecords must be between 1 and 1000000 (was 0).")]
    [InlineData("MacKeyId", "Audit:MacKeyId must name the HMAC key")]
    [InlineData("SealAfterSeconds", "Audit:SealAfterSeconds must be at least twice Audit:CheckpointSeconds")]
    public void Validate_BadValue_FailsNamingTheKey(string key, string message)
    {
        var options = new AuditOptions();
        _ = key switch
        {
            "AppendTimeoutSeconds" => options.AppendTimeoutSeconds = 0,
            "CheckpointRecords" => options.CheckpointRecords = 0,
            "SealAfterSeconds" => options.SealAfterSeconds = 60,
            _ => (options.MacKeyId = " ").Length,
        };

        var result = new AuditOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(message, StringComparison.Ordinal));
    }
}
