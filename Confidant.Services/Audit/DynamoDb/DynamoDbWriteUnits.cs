using Amazon.DynamoDBv2.Model;

namespace Confidant.Services.Audit.DynamoDb;

/// <summary>
/// The write capacity units DynamoDB reported for the audit table's writes (every write asks for
/// <c>ReturnConsumedCapacity = TOTAL</c>), by kind: blocks of records, access summary, chains and checkpoints.
/// </summary>
internal sealed class DynamoDbWriteUnits
{
    private readonly Lock _lock = new();

    public double Blocks { get; private set; }

    public double Access { get; private set; }

    public double Bookkeeping { get; private set; }

    public void AddBlock(ConsumedCapacity? capacity) => Add(capacity, (units, value) => units.Blocks += value);

    public void AddAccess(ConsumedCapacity? capacity) => Add(capacity, (units, value) => units.Access += value);

    public void AddBookkeeping(ConsumedCapacity? capacity) => Add(capacity, (units, value) => units.Bookkeeping += value);

    private void Add(ConsumedCapacity? capacity, Action<DynamoDbWriteUnits, double> add)
    {
        if (capacity?.CapacityUnits is { } value)
        {
            lock (_lock)
            {
                add(this, value);
            }
        }
    }
}
