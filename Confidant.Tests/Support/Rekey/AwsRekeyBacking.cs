using Amazon.KeyManagementService.Model;
using Confidant.Services.Kms;

namespace Confidant.Tests.Support.Rekey;

/// <summary>DynamoDB (dynalite, fresh tables) and AWS KMS (moto, a fresh master key and alias); rotation by UpdateAlias.</summary>
public sealed class AwsRekeyBacking(DynaliteFixture dynalite, MotoServerFixture moto) : RekeyBacking
{
    private string _alias = string.Empty;

    public override string MasterAlias => _alias;

    public override bool DisabledKeysRefuse => false;

    public override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        (_alias, _) = await moto.CreateKeyAsync("at-rest");
        var settings = await dynalite.StorageSettingsAsync();
        settings["Kms:Provider"] = "Aws";
        settings["Kms:ServiceUrl"] = moto.ServiceUrl;
        settings["Kms:MasterKeyId"] = _alias;
        return settings;
    }

    public override async Task<(string Old, string New)> RotateMasterKeyAsync(DomainHost host)
    {
        var old = (await host.Get<IKeyService>().DescribeKeyAsync(_alias)).Arn;
        var key = await moto.Kms.CreateKeyAsync(new CreateKeyRequest { Description = _alias + " (rotated)" });
        await moto.Kms.UpdateAliasAsync(new UpdateAliasRequest { AliasName = _alias, TargetKeyId = key.KeyMetadata.KeyId });
        return (old, key.KeyMetadata.Arn);
    }

    public override async Task DisableKeyAsync(DomainHost host, string arn)
    {
        // moto's DisableKey takes the key id only.
        var key = await moto.Kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = arn });
        await moto.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyMetadata.KeyId });
    }
}
