using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Confidant.Tests.Support;

/// <summary>
/// The built Confidant.Web.dll in a child process, started as an operator starts it: its own output folder (with the
/// root appsettings.json beside it), a fresh working directory as content root, and an environment holding only the
/// variables given (plus PATH and HOME), so nothing of the test process leaks in.
/// </summary>
public sealed class ConfidantProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource<string> Seen)> _waits = [];

    private ConfidantProcess(Process process, TempDirectory workingDirectory)
    {
        _process = process;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>The operating system's id of the process (the one a worker's name in the store carries).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The content root the process runs in (where a default <c>App_Data</c> would be created).</summary>
    public TempDirectory WorkingDirectory { get; }

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet Confidant.Web.dll --urls=http://127.0.0.1:0 args...</c> with exactly <paramref name="environment"/>.</summary>
    public static ConfidantProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Launch(environment, ["--urls=http://127.0.0.1:0", .. args]);

    /// <summary>Runs a verb of the executable (<c>dotnet Confidant.Web.dll verb args...</c>) with exactly <paramref name="environment"/>.</summary>
    public static ConfidantProcess Command(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Launch(environment, args);

    private static ConfidantProcess Launch(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(WebAssemblyPath());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var directory = new TempDirectory();
        start.WorkingDirectory = directory.Path;
        var process = new Process { StartInfo = start };
        var host = new ConfidantProcess(process, directory);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>The first output line containing <paramref name="text"/>; fails with the whole output if none comes.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var earlier = _output.ToString().Split('\n').FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
            if (earlier is not null)
            {
                return earlier.Trim();
            }

            _waits.Add((text, seen));
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(StartTimeout));
        // WaitForExitAsync also waits for the redirected output to end, so by then the line was seen if it was written.
        return seen.Task.IsCompleted
            ? await seen.Task
            : throw new InvalidOperationException($"Confidant never wrote '{text}' ({(first == exited ? "it exited" : "timed out")}). Output:\n{Output}");
    }

    /// <summary>The address Kestrel reports once it listens.</summary>
    public async Task<Uri> BaseAddressAsync()
    {
        var line = await WaitForLineAsync("Now listening on: ");
        return new Uri(line[(line.IndexOf("http", StringComparison.Ordinal))..].Trim());
    }

    /// <summary>Waits for the process to end by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(timeout.Token);

        // The parameterless wait also drains the redirected output.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when the machine loses the process.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        WorkingDirectory.Dispose();
    }

    /// <summary>The Confidant.Web.dll built next to this test assembly's configuration (Release or Debug).</summary>
    private static string WebAssemblyPath()
    {
        var configuration = typeof(ConfidantProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var path = Path.Combine(DynaliteFixture.FindSolutionDirectory(), "Confidant.Web", "bin", configuration, "net10.0", "Confidant.Web.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first.");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(line).Append('\n');
            foreach (var wait in _waits.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                wait.Seen.TrySetResult(line.Trim());
                _waits.Remove(wait);
            }
        }
    }
}
