using System.Text;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Tests.Support;

namespace Confidant.Tests.Services.KmsAuth;

public sealed class KmsTokenValidatorTests : IAsyncLifetime
{
    private const string To = "confidant-production";
    private const string AuthKey = "alias/confidant-auth";
    private const string UserKey = "alias/confidant-user-auth";
    private const string ScopedKey = "alias/confidant-auth-acct2";
    private const string AtRestKey = "alias/confidant-at-rest";

    private DomainHost _host = null!;

    private KmsTokenValidator Validator => _host.Get<KmsTokenValidator>();

    private KmsTokenGenerator Generator => _host.Get<KmsTokenGenerator>();

    private CountingKeyService Keys => (CountingKeyService)_host.Get<IKeyService>();

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(
        new Dictionary<string, string?>
        {
            ["KmsAuth:AuthContext"] = To,
            ["KmsAuth:AuthKey"] = AuthKey,
            ["KmsAuth:UserAuthKey"] = UserKey,
            ["KmsAuth:ScopedAuthKeys:0:Key"] = ScopedKey,
            ["KmsAuth:ScopedAuthKeys:0:Account"] = "acct2",
            ["KmsAuth:UserTypes:0"] = "service",
            ["KmsAuth:UserTypes:1"] = "user",
            ["KmsAuth:ClockSkewSeconds"] = "0",
        },
        countKeyServiceCalls: true);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(2, "2/service/billing-production")]
    [InlineData(1, "billing-production")]
    public async Task ValidateAsync_GeneratedServiceToken_AuthenticatesTheService(int version, string username)
    {
        var token = await Generator.GenerateAsync(AuthKey, "billing-production", To, version: version);

        var result = await Validator.ValidateAsync(token.Username, token.Token);

        Assert.Equal(username, token.Username);
        Assert.True(result.Succeeded, result.Rejection.ToString());
        Assert.Equal("billing-production", result.Principal!.Name);
        Assert.True(result.Principal.IsService);
        Assert.Null(result.Principal.Account);
    }

    [Fact]
    public async Task ValidateAsync_TokenBuiltAsPythonKmsauth_IsAccepted()
    {
        // spec §2.4: the payload text and context exactly as python-kmsauth builds them.
        var now = _host.Time.GetUtcNow();
        var payload = "{\"not_before\": \"" + KmsTokenValidator.FormatTimestamp(now.AddMinutes(-3))
            + "\", \"not_after\": \"" + KmsTokenValidator.FormatTimestamp(now.AddMinutes(7)) + "\"}";
        var context = new Dictionary<string, string> { ["from"] = "myservice-production", ["to"] = To, ["user_type"] = "service" };
        var encrypted = await Keys.EncryptAsync(AuthKey, Encoding.UTF8.GetBytes(payload), context);

        var result = await Validator.ValidateAsync("2/service/myservice-production", Convert.ToBase64String(encrypted.Ciphertext));

        Assert.True(result.Succeeded, result.Rejection.ToString());

        // Appendix A: a 10-minute token generated at 2024-05-01 12:00:00Z.
        Assert.Equal("{\"not_before\": \"20240501T115700Z\", \"not_after\": \"20240501T120700Z\"}", KmsTokenGenerator.Payload(
            new DateTimeOffset(2024, 5, 1, 11, 57, 0, TimeSpan.Zero),
            new DateTimeOffset(2024, 5, 1, 12, 7, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task ValidateAsync_WarmToken_NoKeyServiceCall()
    {
        var token = await Generator.GenerateAsync(AuthKey, "svc", To);
        await Validator.ValidateAsync(token.Username, token.Token);
        var before = Keys.Decrypts;

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Validator.ValidateAsync(token.Username, token.Token)));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(before, Keys.Decrypts);
    }

    [Fact]
    public async Task ValidateAsync_CachedTokenPastNotAfter_IsRefused()
    {
        var token = await Generator.GenerateAsync(AuthKey, "svc", To, lifetimeMinutes: 10);
        Assert.True((await Validator.ValidateAsync(token.Username, token.Token)).Succeeded);

        _host.Time.Advance(TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(1));

        Assert.Equal(TokenRejection.Expired, (await Validator.ValidateAsync(token.Username, token.Token)).Rejection);
    }

    [Fact]
    public async Task ValidateAsync_NotYetValid_IsRefused()
    {
        var now = _host.Time.GetUtcNow();
        var payload = KmsTokenGenerator.Payload(now.AddSeconds(1), now.AddMinutes(10));
        var context = new Dictionary<string, string> { ["from"] = "svc", ["to"] = To, ["user_type"] = "service" };
        var encrypted = await Keys.EncryptAsync(AuthKey, Encoding.UTF8.GetBytes(payload), context);
        var token = Convert.ToBase64String(encrypted.Ciphertext);

        Assert.Equal(TokenRejection.NotYetValid, (await Validator.ValidateAsync("2/service/svc", token)).Rejection);
        _host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await Validator.ValidateAsync("2/service/svc", token)).Succeeded);
    }

    [Fact]
    public async Task ValidateAsync_LifetimeOverMaximumIncludingWholeDays_IsRefused()
    {
        // The original ignored whole days (spec §13.5): 1 day + 10 minutes passed its 60-minute check.
        var now = _host.Time.GetUtcNow();
        var payload = KmsTokenGenerator.Payload(now.AddMinutes(-5), now.AddDays(1).AddMinutes(5));
        var context = new Dictionary<string, string> { ["from"] = "svc", ["to"] = To, ["user_type"] = "service" };
        var encrypted = await Keys.EncryptAsync(AuthKey, Encoding.UTF8.GetBytes(payload), context);

        var result = await Validator.ValidateAsync("2/service/svc", Convert.ToBase64String(encrypted.Ciphertext));

        Assert.Equal(TokenRejection.LifetimeTooLong, result.Rejection);
    }

    [Fact]
    public async Task ValidateAsync_TokenForAnotherAudience_IsRefused()
    {
        var token = await Generator.GenerateAsync(AuthKey, "svc", "some-other-server");

        Assert.Equal(TokenRejection.DecryptionFailed, (await Validator.ValidateAsync(token.Username, token.Token)).Rejection);
    }

    [Fact]
    public async Task ValidateAsync_UsernameClaimsAnotherService_IsRefused()
    {
        var token = await Generator.GenerateAsync(AuthKey, "svc", To);

        Assert.Equal(TokenRejection.DecryptionFailed, (await Validator.ValidateAsync("2/service/admin-service", token.Token)).Rejection);
    }

    [Fact]
    public async Task ValidateAsync_WrongUserTypeInUsername_IsRefused()
    {
        var token = await Generator.GenerateAsync(AuthKey, "svc", To, userType: "service");

        Assert.Equal(TokenRejection.DecryptionFailed, (await Validator.ValidateAsync("2/user/svc", token.Token)).Rejection);
    }

    [Fact]
    public async Task ValidateAsync_TamperedByte_IsRefused()
    {
        var token = await Generator.GenerateAsync(AuthKey, "svc", To);
        var bytes = Convert.FromBase64String(token.Token);
        bytes[^5] ^= 0x01;

        Assert.Equal(TokenRejection.DecryptionFailed, (await Validator.ValidateAsync(token.Username, Convert.ToBase64String(bytes))).Rejection);
    }

    [Fact]
    public async Task ValidateAsync_EncryptedUnderUnexpectedKey_IsRefused()
    {
        var token = await Generator.GenerateAsync(AtRestKey, "svc", To);

        Assert.Equal(TokenRejection.WrongKey, (await Validator.ValidateAsync(token.Username, token.Token)).Rejection);
    }

    [Fact]
    public async Task ValidateAsync_ReplayedTamperedToken_OneKeyServiceCall()
    {
        var token = await Generator.GenerateAsync(AuthKey, "svc", To);
        var bytes = Convert.FromBase64String(token.Token);
        bytes[^5] ^= 0x01;
        var tampered = Convert.ToBase64String(bytes);
        var before = Keys.Calls;

        var rejections = new List<TokenRejection>();
        for (var i = 0; i < 20; i++)
        {
            rejections.Add((await Validator.ValidateAsync(token.Username, tampered)).Rejection);
        }

        Assert.All(rejections, r => Assert.Equal(TokenRejection.DecryptionFailed, r));
        Assert.Equal(1, Keys.Calls - before);
    }

    [Fact]
    public async Task ValidateAsync_ReplayedTokenOfWrongKey_RefusedWithoutFurtherCallsUntilAMinutePasses()
    {
        var token = await Generator.GenerateAsync(AtRestKey, "svc", To);
        await Validator.ValidateAsync(token.Username, token.Token);
        var before = Keys.Decrypts;

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TokenRejection.WrongKey, (await Validator.ValidateAsync(token.Username, token.Token)).Rejection);
        }

        Assert.Equal(0, Keys.Decrypts - before);
        _host.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(TokenRejection.WrongKey, (await Validator.ValidateAsync(token.Username, token.Token)).Rejection);
        Assert.Equal(1, Keys.Decrypts - before);
    }

    [Fact]
    public async Task ValidateAsync_RefusedTokenUnderAnotherUsername_CheckedOnItsOwn()
    {
        // The refusal is remembered for the token and the name it came with: the same bytes sent as someone else
        // decrypt under another context, so they are another question for KMS.
        var token = await Generator.GenerateAsync(AtRestKey, "svc", To);
        await Validator.ValidateAsync(token.Username, token.Token);
        var before = Keys.Decrypts;

        await Validator.ValidateAsync("2/service/other", token.Token);

        Assert.Equal(1, Keys.Decrypts - before);
    }

    [Fact]
    public async Task ValidateAsync_ScopedKey_CarriesTheAccount()
    {
        var token = await Generator.GenerateAsync(ScopedKey, "svc", To);

        var result = await Validator.ValidateAsync(token.Username, token.Token);

        Assert.Equal("acct2", result.Principal!.Account);
    }

    [Fact]
    public async Task ValidateAsync_UserTokens_NeedTheUserKey()
    {
        var user = await Generator.GenerateAsync(UserKey, "alice", To, userType: "user");
        var userWithServiceKey = await Generator.GenerateAsync(AuthKey, "alice", To, userType: "user");

        var accepted = await Validator.ValidateAsync(user.Username, user.Token);
        var refused = await Validator.ValidateAsync(userWithServiceKey.Username, userWithServiceKey.Token);

        Assert.True(accepted.Succeeded);
        Assert.Equal("user", accepted.Principal!.UserType);
        Assert.Equal(TokenRejection.WrongKey, refused.Rejection);
    }

    [Theory]
    [InlineData("", TokenRejection.MalformedUsername)]
    [InlineData("a/b", TokenRejection.MalformedUsername)]
    [InlineData("x/service/y", TokenRejection.MalformedUsername)]
    [InlineData("2/service/y/z", TokenRejection.MalformedUsername)]
    [InlineData("2//y", TokenRejection.MalformedUsername)]
    [InlineData("3/service/y", TokenRejection.UnacceptableVersion)]
    [InlineData("2/robot/y", TokenRejection.UserTypeNotAllowed)]
    public async Task ValidateAsync_BadUsername_IsRefused(string username, TokenRejection expected)
    {
        var token = await Generator.GenerateAsync(AuthKey, "y", To);

        Assert.Equal(expected, (await Validator.ValidateAsync(username, token.Token)).Rejection);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    public async Task ValidateAsync_MalformedToken_IsRefused(string token)
    {
        var result = await Validator.ValidateAsync("2/service/svc", token);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Rejection, new[] { TokenRejection.MalformedToken, TokenRejection.DecryptionFailed });
    }
}
