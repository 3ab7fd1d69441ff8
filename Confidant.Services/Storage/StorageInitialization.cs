namespace Confidant.Services.Storage;

/// <summary>
/// What the configured store needs before its first call: the SQLite schema, or the DynamoDB tables when
/// <c>Storage:DynamoDb:CreateTable</c> is set. Run once at server start, and by commands, which start no host.
/// </summary>
public sealed class StorageInitialization(Func<CancellationToken, Task> run)
{
    public Task RunAsync(CancellationToken cancellationToken = default) => run(cancellationToken);
}
