using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Confidant.Services.Configuration;

/// <summary>
/// The environment names every AWS SDK and the AWS CLI read: the region (<c>AWS_REGION</c>, else
/// <c>AWS_DEFAULT_REGION</c>) and endpoint overrides (<c>AWS_ENDPOINT_URL</c> and the service-specific
/// <c>AWS_ENDPOINT_URL_DYNAMODB</c>, <c>AWS_ENDPOINT_URL_KMS</c>, <c>AWS_ENDPOINT_URL_IAM</c>,
/// <c>AWS_ENDPOINT_URL_ACM_PCA</c>), mapped onto our keys so that they hold for every AWS client here, the
/// hand-signed IAM and ACM PCA ones included, and show in the start-up line.
/// They sit just below Confidant's own names (<c>DYNAMODB_URL</c>, <c>KMS_URL</c> are meant for Confidant alone).
/// </summary>
public sealed class AwsEnvironmentVariables(IDictionary variables) : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public override void Load()
    {
        Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if ((Value("AWS_REGION") ?? Value("AWS_DEFAULT_REGION")) is { } region)
        {
            Data["Storage:DynamoDb:Region"] = region;
            Data["Kms:Region"] = region;
        }

        // The SDKs' own switch for ignoring the endpoint variables.
        if (string.Equals(Value("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var everyService = Value("AWS_ENDPOINT_URL");
        Endpoint("Storage:DynamoDb:ServiceUrl", Value("AWS_ENDPOINT_URL_DYNAMODB") ?? everyService);
        Endpoint("Kms:ServiceUrl", Value("AWS_ENDPOINT_URL_KMS") ?? everyService);
        Endpoint("Iam:ServiceUrl", Value("AWS_ENDPOINT_URL_IAM") ?? everyService);
        Endpoint("Certificates:AcmPca:ServiceUrl", Value("AWS_ENDPOINT_URL_ACM_PCA") ?? everyService);
    }

    // An empty variable counts as unset, as in the SDKs.
    private string? Value(string name) => variables[name] is string { Length: > 0 } value ? value : null;

    private void Endpoint(string key, string? url)
    {
        if (url is not null)
        {
            Data[key] = url;
        }
    }
}
