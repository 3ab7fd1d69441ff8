using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Confidant.Tests.Support;

/// <summary>
/// The built app as an operator starts it: <c>dotnet Confidant.Web.dll</c> in a process of its own, with only the
/// environment given here (plus what the dotnet host needs) and its data in a temp directory. Output is collected.
/// </summary>
public sealed partial class AppProcess : IDisposable
{
    private static readonly string[] HostVariables = ["PATH", "HOME", "DOTNET_ROOT", "TMPDIR"];
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TempDirectory _data = new();
    private Uri? _listening;

    private AppProcess(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _data.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Confidant.Web.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var name in HostVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        start.Environment["Storage__Sqlite__Path"] = _data.File("confidant.db");
        start.Environment["Kms__LocalKeyRingPath"] = _data.File("keyring.json");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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

    /// <summary>Starts the app listening on a free loopback port.</summary>
    public static AppProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new(environment, ["--urls=http://127.0.0.1:0", .. args]);

    /// <summary>The exit code, once the process ends by itself within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The app did not exit within {timeout}. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>The address the app listens on, once it says so.</summary>
    public async Task<Uri> WaitForListeningAsync(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Volatile.Read(ref _listening) is null && !_process.HasExited && Environment.TickCount64 < deadline)
        {
            await Task.Delay(100);
        }

        return Volatile.Read(ref _listening) ?? throw new InvalidOperationException(
            $"The app is not listening (exited: {_process.HasExited}). Output:\n{Output}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _data.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            Interlocked.CompareExchange(ref _listening, new Uri(match.Groups[1].Value), null);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
