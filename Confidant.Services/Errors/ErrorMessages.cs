namespace Confidant.Services.Errors;

/// <summary>Exact error strings from spec §4.11. Wire-visible: do not reword.</summary>
public static class ErrorMessages
{
    public const string FailedToParsePage = "Failed to parse page";
    public const string CredentialNotFound = "Credential not found.";
    public const string ServiceNotFound = "Service not found.";
    public const string BlindCredentialNotFound = "Blind credential not found.";
    public const string NotACredential = "id provided is not a credential.";
    public const string NotAService = "id provided is not a service.";
    public const string NotABlindCredential = "id provided is not a blind-credential.";
    public const string NotAnArchiveBlindCredential = "id provided is not an archive-blind-credential.";
    public const string IdDoesNotExist = "id provided does not exist.";
    public const string CredentialPairsRequired = "credential_pairs is a required field";
    public const string CredentialPairsEmpty = "Credential Pairs cannot be empty.";
    public const string CredentialPairsMustBeKeyValue = "credential pairs must be key: value";
    public const string CredentialKeyWhitespace = "credential key must not contain whitespace";
    public const string MetadataMustBeDict = "metadata must be a dict";
    public const string DocumentationRequired = "documentation is a required field";
    public const string EnabledMustBeBoolean = "Enabled must be a boolean.";
    public const string ForceMustBeBoolean = "force must be a boolean.";
    public const string ConflictingKeyPairs = "Conflicting key pairs in mapped service.";
    public const string NoDifferenceCredential = "No difference between old and new credential.";
    public const string NoDifferenceService = "No difference between old and new service.";
    public const string NoDifferenceBlindCredential = "No difference between old and new blind credential.";
    public const string DataKeyMustBeDict = "data_key must be a dict with a region/key mapping.";
    public const string CredentialKeysMustBeList = "credential_keys must be a list.";
    public const string InvalidAccount = "{0} is not a valid account.";
    public const string CredentialStillEnabled = "Credential still enabled";
    public const string CredentialHasMappedServices = "Credential has mapped services";
    public const string ArchiveFailed = "Archive failed";
    public const string DeleteFailed = "Delete failed";
    public const string SpecifyEnvironment = "Please specify an environment";
    public const string JwtKeyNotAvailable = "Key not available for this environment";
    public const string JwtPublicKeyNotFound = "Public key not found for this environment";
    public const string MaintenanceMode = "Server in maintenance mode.";
    public const string CaNotFound = "Provided CA not found.";
    public const string CsrRequired = "csr must be provided in the POST body.";
    public const string CsrNotDecoded = "csr could not be decoded";

    public static string NameAlreadyExists(string id) => $"Name already exists. See id: {id}";

    public static string NoAccessToJwt(string user, string id) => $"{user} does not have access to get JWT {id}";
}
