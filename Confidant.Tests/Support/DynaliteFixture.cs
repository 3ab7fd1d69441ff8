using System.Diagnostics;
using System.Globalization;
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

    private readonly string? _dataDirectory;
    private Process? _process;
    private AmazonDynamoDBClient? _client;
    private int _port;

    public DynaliteFixture()
    {
    }

    // xunit allows a fixture one public constructor, hence the factory below.
    private DynaliteFixture(string dataDirectory) => _dataDirectory = dataDirectory;

    /// <summary>A dynalite that keeps its tables in <paramref name="dataDirectory"/>, so that they survive <see cref="RestartAsync"/>.</summary>
    public static DynaliteFixture OnDisk(string dataDirectory) => new(dataDirectory);

    public IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("dynalite is not started.");

    public string ServiceUrl { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _port = LoopbackPorts.Free();
        ServiceUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}");
        await StartProcessAsync();

        _client = CreateClient();
    }

    /// <summary>A new client for this server, as the app builds one from <c>Storage:DynamoDb:ServiceUrl</c>.</summary>
    public AmazonDynamoDBClient CreateClient() => new(
        new BasicAWSCredentials("x", "x"),
        new AmazonDynamoDBConfig { ServiceURL = ServiceUrl, AuthenticationRegion = "us-east-1" });

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

    /// <summary>Settings of an app storing its items (and its audit trail) in fresh tables of this dynalite.</summary>
    public async Task<Dictionary<string, string?>> StorageSettingsAsync()
    {
        var (table, archive) = await CreateTablesAsync();
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "DynamoDb",
            ["Storage:DynamoDb:Table"] = table,
            ["Storage:DynamoDb:ArchiveTable"] = archive,
            ["Storage:DynamoDb:ServiceUrl"] = ServiceUrl,
        };
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
        Stop();
    }

    /// <summary>Kills the server: connections are refused until <see cref="RestartAsync"/>.</summary>
    public void Stop()
    {
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

    /// <summary>Stops the server (if running) and starts it again on the same port and data directory.</summary>
    public async Task RestartAsync()
    {
        Stop();
        await StartProcessAsync();
    }

    /// <summary>Freezes the server (SIGSTOP): requests are accepted and never answered until <see cref="Resume"/>.</summary>
    public void Freeze() => ProcessSignals.Freeze(RunningProcess);

    public void Resume() => ProcessSignals.Resume(RunningProcess);

    private Process RunningProcess => _process ?? throw new InvalidOperationException("dynalite is not running.");

    private async Task StartProcessAsync()
    {
        var root = FindSolutionDirectory();
        var cli = Path.Combine(root, "node_modules", "dynalite", "cli.js");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"dynalite is not installed at {cli}: run `npm ci` in {root}.");
        }

        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     cli, "--host", "127.0.0.1", "--port", _port.ToString(CultureInfo.InvariantCulture),
                     "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (_dataDirectory is not null)
        {
            startInfo.ArgumentList.Add("--path");
            startInfo.ArgumentList.Add(_dataDirectory);
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
}

[CollectionDefinition(Name)]
public sealed class DynaliteCollection : ICollectionFixture<DynaliteFixture>
{
    public const string Name = "dynalite";
}
