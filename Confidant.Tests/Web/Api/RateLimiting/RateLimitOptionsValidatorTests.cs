using Confidant.Web.Api.RateLimiting;

namespace Confidant.Tests.Web.Api.RateLimiting;

public sealed class RateLimitOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new RateLimitOptionsValidator().Validate(null, new RateLimitOptions()).Succeeded);
    }

    [Fact]
    public void Validate_ZeroBudgets_NameEachKey()
    {
        var result = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { AnonymousRequestsPerMinute = 0, FailedAuthenticationsPerMinute = -1 });

        Assert.Equal(
            [
                "RateLimits:AnonymousRequestsPerMinute must be between 1 and 1000000 (was 0).",
                "RateLimits:FailedAuthenticationsPerMinute must be between 1 and 1000000 (was -1).",
            ],
            result.Failures);
    }
}
