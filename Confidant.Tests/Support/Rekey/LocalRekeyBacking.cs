using Confidant.Services.Kms;

namespace Confidant.Tests.Support.Rekey;

/// <summary>The embedded defaults: SQLite and the local key ring of a <see cref="DomainHost"/>; rotation by the ring itself.</summary>
public sealed class LocalRekeyBacking : RekeyBacking
{
    public override string MasterAlias => new KmsOptions().MasterKeyId;

    public override bool DisabledKeysRefuse => true;

    public override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>());

    public override async Task<(string Old, string New)> RotateMasterKeyAsync(DomainHost host)
    {
        var old = (await host.Get<IKeyService>().DescribeKeyAsync(MasterAlias)).Arn;
        return (old, host.Get<ILocalKeyRing>().Rotate(MasterAlias).Arn);
    }

    public override Task DisableKeyAsync(DomainHost host, string arn)
    {
        host.Get<ILocalKeyRing>().SetEnabled(arn, enabled: false);
        return Task.CompletedTask;
    }
}
