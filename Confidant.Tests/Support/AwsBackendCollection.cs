namespace Confidant.Tests.Support;

/// <summary>
/// Tests that run the app on DynamoDB (dynalite) and AWS KMS / IAM (moto) together share one of each per run.
/// Tests in one collection run one after another: each makes its own tables and keys, so none sees another's data.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AwsBackendCollection : ICollectionFixture<DynaliteFixture>, ICollectionFixture<MotoServerFixture>
{
    public const string Name = "dynalite + moto";
}
