using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Confidant.Services.Storage.DynamoDb;

namespace Confidant.Tests.Support;

/// <summary>
/// One dynalite process (the DynamoDB API over HTTP) for the whole test run. A missing node or dynalite fails the
/// tests that need it; it never skips them.
/// </summary>
public sealed class DynaliteFixture : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static int _tableCounter;

    private Process? _process;
    private AmazonDynamoDBClient? _client;

    public IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("dynalite is not started.");

    public string ServiceUrl { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var root = FindSolutionDirectory();
        var cli = Path.Combine(root, "node_modules", "dynalite", "cli.js");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"dynalite is not installed at {cli}: run `npm ci` in {root}.");
        }

        var port = FreePort();
        ServiceUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     cli, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
                     "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Dynalite listening at", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("dynalite exited before listening."));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await listening.Task.WaitAsync(StartTimeout);

        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("x", "x"),
            new AmazonDynamoDBConfig { ServiceURL = ServiceUrl, AuthenticationRegion = "us-east-1" });
    }

    /// <summary>Creates fresh, uniquely named primary, archive and audit tables through <see cref="TableBootstrapper"/>.</summary>
    public async Task<(string Table, string ArchiveTable)> CreateTablesAsync()
    {
        var n = Interlocked.Increment(ref _tableCounter).ToString(CultureInfo.InvariantCulture);
        var tables = (Table: $"confidant-{n}", ArchiveTable: $"confidant-archive-{n}");
        // The audit table ("<table>-audit", the default name) too, so hosts on a fake clock never wait for a table to turn ACTIVE.
        await new TableBootstrapper(Client, TimeProvider.System).EnsureTablesAsync(
            [tables.Table, tables.ArchiveTable, tables.Table + "-audit"], default);
        return tables;
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
            _process = null;
        }
    }

    internal static string FindSolutionDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Confidant.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Confidant.sln above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

[CollectionDefinition(Name)]
public sealed class DynaliteCollection : ICollectionFixture<DynaliteFixture>
{
    public const string Name = "dynalite";
}
