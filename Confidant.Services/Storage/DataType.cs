namespace Confidant.Services.Storage;

/// <summary>
/// The item types that share one table: the six of spec §6.2, and Confidant's own items after them (exposure marks,
/// job state), which the original Confidant never queries (it reads its own six data types only).
/// </summary>
public enum DataType
{
    Credential,
    ArchiveCredential,
    BlindCredential,
    ArchiveBlindCredential,
    Service,
    ArchiveService,

    /// <summary>An exposure mark (<see cref="Confidant.Services.Exposure.ExposureMark"/>); it keeps no revision records.</summary>
    Exposure,

    /// <summary>State the installation keeps for itself, such as a job's (<see cref="JobItem"/>); it has no revision records.</summary>
    Job,
}

public static class DataTypes
{
    public static string ToWire(this DataType type) => type switch
    {
        DataType.Credential => "credential",
        DataType.ArchiveCredential => "archive-credential",
        DataType.BlindCredential => "blind-credential",
        DataType.ArchiveBlindCredential => "archive-blind-credential",
        DataType.Service => "service",
        DataType.ArchiveService => "archive-service",
        DataType.Exposure => "exposure",
        DataType.Job => "job",
    };

    public static bool TryParse(string? wire, out DataType type)
    {
        switch (wire)
        {
            case "credential": type = DataType.Credential; return true;
            case "archive-credential": type = DataType.ArchiveCredential; return true;
            case "blind-credential": type = DataType.BlindCredential; return true;
            case "archive-blind-credential": type = DataType.ArchiveBlindCredential; return true;
            case "service": type = DataType.Service; return true;
            case "archive-service": type = DataType.ArchiveService; return true;
            case "exposure": type = DataType.Exposure; return true;
            case "job": type = DataType.Job; return true;
            default: type = default; return false;
        }
    }

    /// <summary>True for the revision-record types (<c>archive-*</c>).</summary>
    public static bool IsRevision(this DataType type) =>
        type is DataType.ArchiveCredential or DataType.ArchiveBlindCredential or DataType.ArchiveService;

    /// <summary>The revision-record type that belongs to a current type, and vice versa.</summary>
    public static DataType RevisionType(this DataType type) => type switch
    {
        DataType.Credential or DataType.ArchiveCredential => DataType.ArchiveCredential,
        DataType.BlindCredential or DataType.ArchiveBlindCredential => DataType.ArchiveBlindCredential,
        DataType.Service or DataType.ArchiveService => DataType.ArchiveService,
        DataType.Exposure => throw new InvalidOperationException("Exposure marks keep no revision records."),
        DataType.Job => DataType.Job,
    };

    public static DataType CurrentType(this DataType type) => type switch
    {
        DataType.Credential or DataType.ArchiveCredential => DataType.Credential,
        DataType.BlindCredential or DataType.ArchiveBlindCredential => DataType.BlindCredential,
        DataType.Service or DataType.ArchiveService => DataType.Service,
        DataType.Exposure => DataType.Exposure,
        DataType.Job => DataType.Job,
    };
}
