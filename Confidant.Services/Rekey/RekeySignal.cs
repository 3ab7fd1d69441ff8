using Confidant.Services.Background;

namespace Confidant.Services.Rekey;

/// <summary>Wakes this process's worker when a job is queued or resumed here, rather than at its next poll.</summary>
public sealed class RekeySignal : WakeSignal;
