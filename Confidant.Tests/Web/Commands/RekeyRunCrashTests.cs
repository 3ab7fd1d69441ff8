using Confidant.Tests.Support.Rekey;

namespace Confidant.Tests.Web.Commands;

/// <summary>
/// The crash proof on the embedded defaults (SQLite and the local key ring) at the size the job is specified for:
/// 1,000 credentials of three revisions, 4,000 stored data keys.
/// </summary>
public sealed class RekeyRunCrashTests() : RekeyRunCrashContract(new LocalRekeyBacking())
{
    protected override int Credentials => 1000;

    // At most 200 items a second: after the kill at 100 items, the server would need 19 s more.
    protected override int ServerKmsCallsPerSecond => 400;
}
