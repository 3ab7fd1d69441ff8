namespace Confidant.Services.Audit;

/// <summary>
/// Told about records flagged unusual (<see cref="AuditFlags"/>) once they are durable in the ledger. Called on the
/// ledger's writer: it must hand the records over and return at once, never wait or throw.
/// </summary>
public interface IUnusualAccessSink
{
    void Flagged(IReadOnlyList<AuditRecord> records);
}
