using Confidant.Tests.Support.Rekey;

namespace Confidant.Tests.Services.Rekey;

/// <summary>The rekey job on the embedded defaults: SQLite and the local key ring.</summary>
public sealed class SqliteRekeyJobTests() : RekeyJobContract(new LocalRekeyBacking());
