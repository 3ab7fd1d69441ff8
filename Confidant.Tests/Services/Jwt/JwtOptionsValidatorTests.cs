using Confidant.Services.Jwt;

namespace Confidant.Tests.Services.Jwt;

public sealed class JwtOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new JwtOptionsValidator().Validate(null, new JwtOptions()).Succeeded);

    [Theory]
    [InlineData("Jwt:TokenLifetimeSeconds must be between 1 and 604800 (was 0).")]
    [InlineData("Jwt:KeySize must be one of 2048, 3072, 4096 (was 1024).")]
    [InlineData("Jwt:Cache:TtlSeconds must be at least 1 and below Jwt:TokenLifetimeSeconds (3600); was 3600.")]
    [InlineData("Jwt:KeyFile must be set when Jwt:Environments names environments with generated keys.")]
    [InlineData("Jwt:KeyRefreshSeconds must be between 1 and 3600 (was 0).")]
    public void Validate_BadValue_FailsNamingTheKey(string message)
    {
        var options = message.Split(' ')[0] switch
        {
            "Jwt:TokenLifetimeSeconds" => new JwtOptions { TokenLifetimeSeconds = 0 },
            "Jwt:KeySize" => new JwtOptions { KeySize = 1024 },
            "Jwt:Cache:TtlSeconds" => new JwtOptions { Cache = new JwtCacheOptions { Enabled = true, TtlSeconds = 3600 } },
            "Jwt:KeyFile" => new JwtOptions { Environments = ["development"], KeyFile = " " },
            _ => new JwtOptions { KeyRefreshSeconds = 0 },
        };

        Assert.Equal([message], new JwtOptionsValidator().Validate(null, options).Failures!);
    }

    [Fact]
    public void GeneratedEnvironments_BlankNamesAndGenerateKeysOff_Ignored()
    {
        Assert.Equal(["development", "staging"], new JwtOptions { Environments = ["development", " ", "staging", "development"] }.GeneratedEnvironments);
        Assert.Empty(new JwtOptions { Environments = ["development"], GenerateKeys = false }.GeneratedEnvironments);
    }
}
