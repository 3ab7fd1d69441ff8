using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;
using Confidant.Web.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// The <c>keys</c> verbs on the embedded defaults: rotate the master key, re-wrap with <c>rekey run</c>, disable the old
/// key and every credential still reads; disabling is refused while the job does not show the key unused.
/// </summary>
public sealed class KeysCommandsTests : IAsyncLifetime
{
    private static readonly string MasterAlias = new KmsOptions().MasterKeyId;
    private DomainHost _host = null!;

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(new Dictionary<string, string?> { ["Rekey:KmsCallsPerSecond"] = "10000" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task RotateRekeyRunDisable_EveryRevisionReadsUnderTheNewKeyWithTheOldOneDisabled()
    {
        var seed = await RekeySeed.WriteAsync(_host.Services, credentials: 4, revisions: 3);
        var ring = _host.Get<ILocalKeyRing>();
        var old = ring.Keys().Single(k => k.Aliases.Contains(MasterAlias));

        var rotate = await RunAsync("keys", "rotate");
        var current = ring.Keys().Single(k => k.Aliases.Contains(MasterAlias));
        var early = await RunAsync("keys", "disable", old.KeyId);
        var run = await RunAsync("rekey", "run");
        var disable = await RunAsync("keys", "disable", old.KeyId);
        var list = await RunAsync("keys", "list");

        Assert.Equal(0, rotate.Exit);
        Assert.NotEqual(old.KeyId, current.KeyId);
        Assert.Contains($"{MasterAlias} now names key {current.KeyId} (was {old.KeyId}).", rotate.Output, StringComparison.Ordinal);
        Assert.Contains($"then: keys disable {old.KeyId}", rotate.Output, StringComparison.Ordinal);
        Assert.Equal(1, early.Exit);
        Assert.Contains("no rekey job has run", early.Error, StringComparison.Ordinal);
        Assert.Equal(0, run.Exit);
        Assert.Equal(0, disable.Exit);
        Assert.Contains($"key {old.KeyId} disabled", disable.Output, StringComparison.Ordinal);
        Assert.Contains($"{old.KeyId}  ", list.Output, StringComparison.Ordinal);
        Assert.Contains("disabled", list.Output.Split('\n').Single(l => l.StartsWith(old.KeyId, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.EndsWith(MasterAlias, list.Output.Split('\n').Single(l => l.StartsWith(current.KeyId, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.False(ring.Keys().Single(k => k.KeyId == old.KeyId).Enabled);
        await seed.AssertEveryRevisionReadsAsync(_host.Services);
        var changes = (await _host.Get<AuditLog>().QueryAsync(new AuditQuery { Action = AuditActions.KeyChange })).Records.Select(r => r.Entry.Origin.Route);
        Assert.Equal(["keys disable", "keys rotate"], changes);
    }

    [Fact]
    public async Task Disable_Force_DisablesWhateverTheJobSays_EnableUndoesIt()
    {
        var old = _host.Get<ILocalKeyRing>().Keys().Single(k => k.Aliases.Contains(MasterAlias));
        await RunAsync("keys", "rotate");

        var forced = await RunAsync("keys", "disable", old.KeyId, "--force");
        var disabled = _host.Get<ILocalKeyRing>().Keys().Single(k => k.KeyId == old.KeyId).Enabled;
        var enabled = await RunAsync("keys", "enable", old.Arn);

        Assert.Equal((0, false), (forced.Exit, disabled));
        Assert.Equal(0, enabled.Exit);
        Assert.True(_host.Get<ILocalKeyRing>().Keys().Single(k => k.KeyId == old.KeyId).Enabled);
    }

    [Fact]
    public async Task Disable_KeyTheMasterAliasNames_RefusedSoWritesKeepWorking()
    {
        var current = _host.Get<ILocalKeyRing>().Keys().Single(k => k.Aliases.Contains(MasterAlias));

        var (exit, _, error) = await RunAsync("keys", "disable", current.KeyId, "--force");

        Assert.Equal(1, exit);
        Assert.Contains($"is in use under {MasterAlias}", error, StringComparison.Ordinal);
        Assert.True(_host.Get<ILocalKeyRing>().Keys().Single(k => k.KeyId == current.KeyId).Enabled);
    }

    private static readonly string[][] BadArguments =
    [
        ["keys", "list", "--all"],
        ["keys", "rotate", "--alias"],
        ["keys", "rotate", "--alias", "confidant-at-rest"],
        ["keys", "rotate", "--alias", "alias/never-made"],
        ["keys", "rotate", "now"],
        ["keys", "disable"],
        ["keys", "disable", "no-such-key"],
        ["keys", "disable", "a", "b"],
        ["keys", "enable"],
        ["keys", "enable", "--force"],
        ["keys", "burn"],
    ];

    [Fact]
    public async Task RunAsync_BadArguments_ExitCode2AndTheRingUnchanged()
    {
        var before = _host.Get<ILocalKeyRing>().Keys();

        foreach (var args in BadArguments)
        {
            var (exit, output, error) = await RunAsync(args);

            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}, {error}");
            Assert.Empty(output);
            Assert.Contains("keys ", error, StringComparison.Ordinal);
        }

        Assert.Equal(before.Select(k => (k.KeyId, k.Enabled, string.Join(',', k.Aliases))), _host.Get<ILocalKeyRing>().Keys().Select(k => (k.KeyId, k.Enabled, string.Join(',', k.Aliases))));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("rotate")]
    [InlineData("disable", "some-key")]
    [InlineData("enable", "some-key")]
    public async Task RunAsync_AwsKms_ExitCode2SayingHowToRotateThere(params string[] verb)
    {
        // With Kms:Provider=Aws there is no local ring to administer.
        await using var services = new ServiceCollection().AddSingleton(Microsoft.Extensions.Options.Options.Create(new KmsOptions())).BuildServiceProvider();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await CommandLine.RunAsync(services, ["keys", .. verb], output, error);

        Assert.Equal(2, exit);
        Assert.Contains("aws kms update-alias", error.ToString(), StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLine.RunAsync(_host.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
