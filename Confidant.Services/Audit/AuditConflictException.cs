namespace Confidant.Services.Audit;

/// <summary>
/// A conditional write lost: the chain position or checkpoint index is taken (a chain never forks), for example
/// because another process sealed the chain.
/// </summary>
public sealed class AuditConflictException(string message) : Exception(message);
