using Confidant.Tests.Support;
using Confidant.Tests.Support.Rekey;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// The crash proof on DynamoDB (dynalite) and AWS KMS (moto). Every write and every key-service call is an HTTP round
/// trip to a local emulator here, so the store is smaller than the 1,000 credentials of the SQLite case: 150
/// credentials of three revisions (600 data keys) keep the test near a minute on a shared two-core machine.
/// </summary>
[Collection(AwsBackendCollection.Name)]
public sealed class DynamoDbRekeyRunCrashTests(DynaliteFixture dynalite, MotoServerFixture moto)
    : RekeyRunCrashContract(new AwsRekeyBacking(dynalite, moto))
{
    protected override int Credentials => 150;

    // At most 20 items a second: after the kill at 100 items, the server would need 25 s more.
    protected override int ServerKmsCallsPerSecond => 40;
}
