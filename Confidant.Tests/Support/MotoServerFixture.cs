using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Confidant.Services.Audit;
using Confidant.Services.Exposure;

namespace Confidant.Tests.Support;

/// <summary>
/// One moto server (python3 -m moto.server) for the whole test run, on a free loopback port. A missing python3 or
/// moto fails the tests that use it; it never skips them.
/// </summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    public const string CollectionName = "moto";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process? _process;
    private AmazonKeyManagementServiceClient? _kms;

    public string ServiceUrl { get; private set; } = string.Empty;

    public IAmazonKeyManagementService Kms => _kms ?? throw new InvalidOperationException("moto is not running.");

    /// <summary>A new client for this server; <paramref name="maxErrorRetry"/> overrides the SDK's retry count.</summary>
    public AmazonKeyManagementServiceClient CreateKmsClient(int? maxErrorRetry = null)
    {
        var config = new AmazonKeyManagementServiceConfig { ServiceURL = ServiceUrl, AuthenticationRegion = "us-east-1" };
        if (maxErrorRetry is { } retries)
        {
            config.MaxErrorRetry = retries;
        }

        return new AmazonKeyManagementServiceClient(new BasicAWSCredentials("x", "x"), config);
    }

    /// <summary>Creates a symmetric key and an alias for it; returns the alias name and the key ARN.</summary>
    public Task<(string Alias, string Arn)> CreateKeyAsync(string aliasPrefix = "test") =>
        CreateKeyWithAliasAsync($"alias/{aliasPrefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    /// <summary>Creates a symmetric key under exactly <paramref name="alias"/> (a server of one's own has no clashes).</summary>
    public async Task<(string Alias, string Arn)> CreateKeyWithAliasAsync(string alias)
    {
        var key = await Kms.CreateKeyAsync(new CreateKeyRequest { Description = alias });
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyMetadata.KeyId });
        return (alias, key.KeyMetadata.Arn);
    }

    /// <summary>
    /// Clients the app builds itself find their credentials through the SDK's default chain, whose first link is the
    /// environment: dummy ones go there (moto and dynalite accept any) unless the machine has its own.
    /// </summary>
    public static void ProvideDefaultCredentials()
    {
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
        {
            Environment.SetEnvironmentVariable(name, Environment.GetEnvironmentVariable(name) ?? "confidant-test");
        }
    }

    /// <summary>Creates an IAM role named <paramref name="prefix"/> plus a random suffix; returns its name.</summary>
    public async Task<string> CreateRoleAsync(string prefix)
    {
        var name = $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var policy = Uri.EscapeDataString("{\"Version\":\"2012-10-17\",\"Statement\":[]}");
        var body = Encoding.UTF8.GetBytes($"Action=CreateRole&Version=2010-05-08&RoleName={name}&AssumeRolePolicyDocument={policy}");
        var url = new Uri(ServiceUrl);
        var signature = await AWSSigV4Signer.SignAsync(
            new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = url, Content = body },
            new AWSSigV4Parameters { Credentials = new BasicAWSCredentials("x", "x"), Region = RegionEndpoint.USEast1, Service = "iam" });
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        foreach (var (header, value) in signature.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return name;
    }

    /// <summary>Creates an HMAC_256 key (GenerateMac / VerifyMac) and an alias for it; returns the alias.</summary>
    public Task<string> CreateMacKeyAsync(string aliasPrefix = "mac") =>
        CreateMacKeyWithAliasAsync($"alias/{aliasPrefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    /// <summary>Creates an HMAC_256 key under exactly <paramref name="alias"/>; returns the alias.</summary>
    private async Task<string> CreateMacKeyWithAliasAsync(string alias)
    {
        var key = await Kms.CreateKeyAsync(new CreateKeyRequest
        {
            Description = alias,
            KeySpec = KeySpec.HMAC_256,
            KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC,
        });
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyMetadata.KeyId });
        return alias;
    }

    public async Task InitializeAsync()
    {
        ProvideDefaultCredentials();
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("python3 is not installed; moto-backed tests need python3 with moto[server].", ex);
        }

        // Drain the pipes so a chatty server cannot block on a full buffer.
        var errors = new System.Text.StringBuilder();
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (!await PortAnswersAsync(port))
        {
            if (_process.HasExited || watch.Elapsed > StartTimeout)
            {
                string output;
                lock (errors)
                {
                    output = errors.ToString();
                }

                throw new InvalidOperationException(
                    $"moto did not start on port {port} (is 'pip install moto[server]' done?). Output: {output}");
            }

            await Task.Delay(100);
        }

        ServiceUrl = $"http://127.0.0.1:{port}";
        _kms = CreateKmsClient();

        // The audit trail's checkpoint key and the value fingerprint key under their default aliases, as the operator
        // docs have them created.
        await CreateMacKeyWithAliasAsync(new AuditOptions().MacKeyId);
        await CreateMacKeyWithAliasAsync(new ExposureOptions().FingerprintKeyId);
    }

    public Task DisposeAsync()
    {
        _kms?.Dispose();
        Stop();
        return Task.CompletedTask;
    }

    /// <summary>Kills the server: connections are refused from now on (its keys live in its memory and are gone).</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): requests are accepted and never answered until <see cref="Resume"/>.</summary>
    public void Freeze() => ProcessSignals.Freeze(_process ?? throw new InvalidOperationException("moto is not running."));

    public void Resume() => ProcessSignals.Resume(_process ?? throw new InvalidOperationException("moto is not running."));

    private static async Task<bool> PortAnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

[CollectionDefinition(MotoServerFixture.CollectionName)]
public sealed class MotoCollection : ICollectionFixture<MotoServerFixture>;
