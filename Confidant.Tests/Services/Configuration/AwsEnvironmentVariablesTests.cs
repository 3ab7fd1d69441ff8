using System.Collections;
using Confidant.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Confidant.Tests.Services.Configuration;

/// <summary>The AWS SDKs' own environment names (region, endpoint overrides) and the keys they land on.</summary>
public sealed class AwsEnvironmentVariablesTests
{
    [Fact]
    public void Load_RegionAndEndpoints_ServiceSpecificBeforeShared()
    {
        var configuration = new ConfigurationBuilder().Add(new AwsEnvironmentVariables(new Hashtable
        {
            ["AWS_REGION"] = "eu-central-1",
            ["AWS_DEFAULT_REGION"] = "us-west-2",
            ["AWS_ENDPOINT_URL"] = "http://localhost:4566",
            ["AWS_ENDPOINT_URL_KMS"] = "http://localhost:4599",
            ["AWS_ENDPOINT_URL_IAM"] = string.Empty,
        })).Build();

        Assert.Equal("eu-central-1", configuration["Kms:Region"]);
        Assert.Equal("eu-central-1", configuration["Storage:DynamoDb:Region"]);
        Assert.Equal("http://localhost:4599", configuration["Kms:ServiceUrl"]);
        Assert.Equal("http://localhost:4566", configuration["Storage:DynamoDb:ServiceUrl"]);
        Assert.Equal("http://localhost:4566", configuration["Iam:ServiceUrl"]); // empty counts as unset, as in the SDKs
    }

    [Fact]
    public void Load_IgnoreConfiguredEndpointUrls_KeepsOnlyTheRegion()
    {
        var configuration = new ConfigurationBuilder().Add(new AwsEnvironmentVariables(new Hashtable
        {
            ["AWS_DEFAULT_REGION"] = "us-west-2",
            ["AWS_ENDPOINT_URL"] = "http://localhost:4566",
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true",
        })).Build();

        Assert.Equal(
            [("Kms:Region", "us-west-2"), ("Storage:DynamoDb:Region", "us-west-2")],
            configuration.AsEnumerable().Where(p => p.Value is not null).Select(p => (p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
