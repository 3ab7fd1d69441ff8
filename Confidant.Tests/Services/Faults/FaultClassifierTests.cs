using System.Net;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Confidant.Services.Errors;
using Confidant.Services.Faults;
using Confidant.Services.Kms;
using Microsoft.Data.Sqlite;

namespace Confidant.Tests.Services.Faults;

public sealed class FaultClassifierTests
{
    public static TheoryData<Exception, FailureClass?> Cases => new()
    {
        { new ProvisionedThroughputExceededException("slow down"), FailureClass.Throttled },
        { new AmazonServiceException("x") { ErrorCode = "ThrottlingException", StatusCode = HttpStatusCode.BadRequest }, FailureClass.Throttled },
        { new AmazonServiceException("x") { StatusCode = HttpStatusCode.ServiceUnavailable }, FailureClass.ServerError },
        { new InternalServerErrorException("x") { StatusCode = HttpStatusCode.InternalServerError }, FailureClass.ServerError },
        { new AmazonServiceException("x", new HttpRequestException("refused")), FailureClass.Unreachable },
        { new KeyServiceException(KeyServiceError.Unavailable, "KMS Decrypt failed.", new TimeoutException()), FailureClass.TimedOut },
        { new KeyServiceException(KeyServiceError.Unavailable, "KMS Decrypt failed."), FailureClass.Unreachable },
        { new SqliteException("database is locked", 5), FailureClass.Busy },
        { new SqliteException("database table is locked", 6), FailureClass.Busy },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), FailureClass.ServerError },
        { new TaskCanceledException("timeout", new TimeoutException()), FailureClass.TimedOut },

        // Not faults: the caller's mistake, a refusal, or a bug.
        { new AmazonServiceException("x") { ErrorCode = "ValidationException", StatusCode = HttpStatusCode.BadRequest }, null },
        { new ConditionalCheckFailedException("lost"), null },
        { new KeyServiceException(KeyServiceError.InvalidCiphertext, "KMS Decrypt failed."), null },
        { new SqliteException("constraint failed", 19), null },
        { new HttpRequestException("not found", null, HttpStatusCode.NotFound), null },
        { new TaskCanceledException(), null },
        { new InvalidOperationException(), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Exception_FailureClassOrNone(Exception exception, FailureClass? expected)
    {
        Assert.Equal(expected, FaultClassifier.Classify(exception));
    }

    [Fact]
    public void IsUnavailable_EveryFormOfUnavailability_True()
    {
        Assert.True(FaultClassifier.IsUnavailable(new DependencyUnavailableException(Dependency.AuditTrail, FailureClass.Busy)));
        Assert.True(FaultClassifier.IsUnavailable(new ConfidantException(ConfidantErrorKind.Unavailable, "Failed to get grants.")));
        Assert.True(FaultClassifier.IsUnavailable(new KeyServiceException(KeyServiceError.Unavailable, "down")));
        Assert.False(FaultClassifier.IsUnavailable(ConfidantException.Conflict("stale")));
    }
}
