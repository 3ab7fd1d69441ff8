using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;

namespace Confidant.Tests.Services.Rekey;

/// <summary>The rekey job on DynamoDB (dynalite) and AWS KMS (moto).</summary>
[Collection(AwsBackendCollection.Name)]
public sealed class DynamoDbRekeyJobTests(DynaliteFixture dynalite, MotoServerFixture moto) : RekeyJobContract(new AwsRekeyBacking(dynalite, moto));
