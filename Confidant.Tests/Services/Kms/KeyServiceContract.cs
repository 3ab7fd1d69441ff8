using System.Text;
using Confidant.Services.Kms;

namespace Confidant.Tests.Services.Kms;

/// <summary>The behaviour every <see cref="IKeyService"/> backend shares; derived once per backend.</summary>
public abstract class KeyServiceContract : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Context = new() { ["id"] = "7f3c2a1b9d8e4f60a1b2c3d4e5f60718" };

    protected IKeyService KeyService { get; set; } = null!;

    /// <summary>Alias of the key most tests encrypt under.</summary>
    protected string PrimaryAlias { get; set; } = string.Empty;

    /// <summary>Alias of a second key, for ReEncrypt.</summary>
    protected string SecondaryAlias { get; set; } = string.Empty;

    /// <summary>Alias of an HMAC key, for GenerateMac / VerifyMac.</summary>
    protected string MacAlias { get; set; } = string.Empty;

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EncryptAsync_ThenDecryptWithSameContext_ReturnsPlaintextAsync()
    {
        var plaintext = Encoding.ASCII.GetBytes("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=");

        var encrypted = await KeyService.EncryptAsync(PrimaryAlias, plaintext, Context);
        var decrypted = await KeyService.DecryptAsync(encrypted.Ciphertext, Context);

        Assert.Equal(plaintext, decrypted.Plaintext);
        Assert.NotEqual(plaintext, encrypted.Ciphertext.Take(plaintext.Length).ToArray());
    }

    [Fact]
    public async Task DecryptAsync_ValidCiphertext_ReturnsArnOfDescribedKeyAsync()
    {
        var encrypted = await KeyService.EncryptAsync(PrimaryAlias, new byte[] { 1, 2, 3 }, Context);

        var decrypted = await KeyService.DecryptAsync(encrypted.Ciphertext, Context);
        var described = await KeyService.DescribeKeyAsync(PrimaryAlias);

        Assert.Equal(described.Arn, decrypted.KeyArn);
        Assert.Equal(described.Arn, encrypted.KeyArn);
        Assert.True(described.Enabled);
        Assert.Equal(described.Arn, (await KeyService.DescribeKeyAsync(described.KeyId)).Arn);
        Assert.Equal(described.KeyId, (await KeyService.DescribeKeyAsync(described.Arn)).KeyId);
    }

    [Fact]
    public async Task DecryptAsync_WrongContextValue_ThrowsInvalidCiphertextAsync()
    {
        // spec §7.1: the context {"id": <credential id>} is bound to the data key.
        var encrypted = await KeyService.EncryptAsync(PrimaryAlias, new byte[] { 1, 2, 3 }, Context);

        var error = await Assert.ThrowsAsync<KeyServiceException>(
            () => KeyService.DecryptAsync(encrypted.Ciphertext, new Dictionary<string, string> { ["id"] = "other" }));

        Assert.Equal(KeyServiceError.InvalidCiphertext, error.Error);
    }

    [Fact]
    public async Task DecryptAsync_ExtraContextKey_ThrowsInvalidCiphertextAsync()
    {
        var encrypted = await KeyService.EncryptAsync(PrimaryAlias, new byte[] { 1, 2, 3 }, Context);
        var extended = new Dictionary<string, string>(Context) { ["type"] = "bootstrap" };

        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.DecryptAsync(encrypted.Ciphertext, extended));

        Assert.Equal(KeyServiceError.InvalidCiphertext, error.Error);
    }

    [Fact]
    public async Task DecryptAsync_TamperedByte_ThrowsInvalidCiphertextAsync()
    {
        var encrypted = await KeyService.EncryptAsync(PrimaryAlias, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, Context);
        var tampered = encrypted.Ciphertext.ToArray();
        tampered[^1] ^= 0x01;

        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.DecryptAsync(tampered, Context));

        Assert.Equal(KeyServiceError.InvalidCiphertext, error.Error);
    }

    [Fact]
    public async Task EncryptAsync_UnknownAlias_ThrowsKeyNotFoundAsync()
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(
            () => KeyService.EncryptAsync("alias/does-not-exist", new byte[] { 1 }, Context));

        Assert.Equal(KeyServiceError.KeyNotFound, error.Error);
        Assert.Contains("alias/does-not-exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeKeyAsync_UnknownKeyId_ThrowsKeyNotFoundAsync()
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(
            () => KeyService.DescribeKeyAsync("0b6a4c6e-0000-4000-8000-000000000000"));

        Assert.Equal(KeyServiceError.KeyNotFound, error.Error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(1024)]
    public async Task GenerateRandomAsync_SizeInRange_ReturnsThatManyBytesAsync(int size)
    {
        var first = await KeyService.GenerateRandomAsync(size);
        var second = await KeyService.GenerateRandomAsync(size);

        Assert.Equal(size, first.Length);
        if (size >= 32)
        {
            Assert.NotEqual(first, second);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    public async Task GenerateRandomAsync_SizeOutOfRange_ThrowsInvalidRequestAsync(int size)
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.GenerateRandomAsync(size));

        Assert.Equal(KeyServiceError.InvalidRequest, error.Error);
    }

    [Fact]
    public async Task ReEncryptAsync_ToSecondKey_DecryptsUnderNewContextOnlyAsync()
    {
        var plaintext = new byte[] { 9, 8, 7, 6 };
        var newContext = new Dictionary<string, string> { ["id"] = "second" };
        var encrypted = await KeyService.EncryptAsync(PrimaryAlias, plaintext, Context);

        var reEncrypted = await KeyService.ReEncryptAsync(encrypted.Ciphertext, Context, SecondaryAlias, newContext);
        var decrypted = await KeyService.DecryptAsync(reEncrypted.Ciphertext, newContext);

        Assert.Equal(plaintext, decrypted.Plaintext);
        Assert.Equal((await KeyService.DescribeKeyAsync(SecondaryAlias)).Arn, decrypted.KeyArn);
        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.DecryptAsync(reEncrypted.Ciphertext, Context));
        Assert.Equal(KeyServiceError.InvalidCiphertext, error.Error);
    }

    [Fact]
    public async Task ReEncryptAsync_NamesTheKeyItCameFromAndTheKeyItIsUnderAsync()
    {
        var primary = (await KeyService.DescribeKeyAsync(PrimaryAlias)).Arn;
        var secondary = (await KeyService.DescribeKeyAsync(SecondaryAlias)).Arn;
        var encrypted = await KeyService.EncryptAsync(PrimaryAlias, new byte[] { 4, 2 }, Context);

        var moved = await KeyService.ReEncryptAsync(encrypted.Ciphertext, Context, SecondaryAlias, Context);
        var again = await KeyService.ReEncryptAsync(moved.Ciphertext, Context, secondary, Context);

        // A caller tells a blob already under the destination key by its source key, without ever seeing the plaintext.
        Assert.Equal((primary, secondary), (moved.SourceKeyArn, moved.KeyArn));
        Assert.Equal((secondary, secondary), (again.SourceKeyArn, again.KeyArn));
        Assert.Equal(new byte[] { 4, 2 }, (await KeyService.DecryptAsync(again.Ciphertext, Context)).Plaintext);
    }

    [Fact]
    public async Task GenerateMacAsync_ThenVerify_MatchesOnlyTheSameMessageAndMacAsync()
    {
        var message = Encoding.UTF8.GetBytes("chain 1, sequence 1000, head 9f86d081");

        var generated = await KeyService.GenerateMacAsync(MacAlias, message);
        var again = await KeyService.GenerateMacAsync(MacAlias, message);
        var altered = message.ToArray();
        altered[0] ^= 0x01;
        var forged = generated.Mac.ToArray();
        forged[^1] ^= 0x01;

        Assert.Equal(32, generated.Mac.Length);
        Assert.Equal(generated.Mac, again.Mac);
        Assert.True(await KeyService.VerifyMacAsync(generated.KeyId, message, generated.Mac));
        Assert.True(await KeyService.VerifyMacAsync(MacAlias, message, generated.Mac));
        Assert.False(await KeyService.VerifyMacAsync(generated.KeyId, altered, generated.Mac));
        Assert.False(await KeyService.VerifyMacAsync(generated.KeyId, message, forged));
    }

    [Fact]
    public async Task GenerateMacAsync_EncryptionKey_ThrowsInvalidRequestAsync()
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.GenerateMacAsync(PrimaryAlias, new byte[] { 1, 2, 3 }));

        Assert.Equal(KeyServiceError.InvalidRequest, error.Error);
    }

    [Fact]
    public async Task VerifyMacAsync_UnknownKey_ThrowsKeyNotFoundAsync()
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(
            () => KeyService.VerifyMacAsync("0b6a4c6e-0000-4000-8000-000000000000", new byte[] { 1 }, new byte[32]));

        Assert.Equal(KeyServiceError.KeyNotFound, error.Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4097)]
    public async Task GenerateMacAsync_MessageSizeOutOfRange_ThrowsInvalidRequestAsync(int size)
    {
        var error = await Assert.ThrowsAsync<KeyServiceException>(() => KeyService.GenerateMacAsync(MacAlias, new byte[size]));

        Assert.Equal(KeyServiceError.InvalidRequest, error.Error);
    }
}
