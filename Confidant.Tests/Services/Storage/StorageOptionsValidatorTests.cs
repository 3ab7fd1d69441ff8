using Confidant.Services.Storage;

namespace Confidant.Tests.Services.Storage;

public sealed class StorageOptionsValidatorTests
{
    private static IEnumerable<string> Failures(StorageOptions options) =>
        new StorageOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions()).Succeeded);
    }

    [Fact]
    public void Validate_DynamoDbWithoutTable_NamesTheKey()
    {
        var options = new StorageOptions { Provider = StorageProvider.DynamoDb };

        Assert.Equal(["Storage:DynamoDb:Table is required when Storage:Provider is DynamoDb."], Failures(options));
    }

    [Fact]
    public void Validate_DynamoDbWithBadUrlSameArchiveAndNoRegion_ReportsEach()
    {
        var options = new StorageOptions
        {
            Provider = StorageProvider.DynamoDb,
            DynamoDb = new DynamoDbStorageOptions { Table = "t", ArchiveTable = "t", ServiceUrl = "localhost:8000", Region = " " },
        };

        Assert.Equal(
            [
                "Storage:DynamoDb:ArchiveTable must differ from Storage:DynamoDb:Table.",
                "Storage:DynamoDb:Region is required when Storage:Provider is DynamoDb.",
                "Storage:DynamoDb:ServiceUrl must be an absolute http or https URL.",
            ],
            Failures(options));
    }

    [Fact]
    public void Validate_SqliteWithoutPath_NamesTheKey()
    {
        var options = new StorageOptions { Sqlite = new SqliteStorageOptions { Path = "" } };

        Assert.Equal(["Storage:Sqlite:Path is required when Storage:Provider is Sqlite."], Failures(options));
    }

    [Fact]
    public void Validate_SqliteIgnoresDynamoDbSettings_Succeeds()
    {
        var options = new StorageOptions { DynamoDb = new DynamoDbStorageOptions { Table = null, ServiceUrl = "nonsense" } };

        Assert.True(new StorageOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(0, 10, "Storage:CallTimeoutSeconds must be between 1 and 300 (was 0).")]
    [InlineData(301, 10, "Storage:CallTimeoutSeconds must be between 1 and 300 (was 301).")]
    [InlineData(5, 0, "Storage:WriteRetrySeconds must be between 1 and 300 (was 0).")]
    public void Validate_TimeoutsOutOfBounds_NamesTheKey(int callTimeout, int writeRetry, string failure)
    {
        var options = new StorageOptions { CallTimeoutSeconds = callTimeout, WriteRetrySeconds = writeRetry };

        Assert.Equal([failure], Failures(options));
    }
}
