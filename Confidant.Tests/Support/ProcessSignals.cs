using System.Diagnostics;
using System.Globalization;

namespace Confidant.Tests.Support;

/// <summary>
/// Freezes and thaws a server process (SIGSTOP / SIGCONT): a frozen server keeps its listening socket, so connections
/// are accepted by the kernel and requests hang unanswered, as with a stalled store or key service.
/// </summary>
public static class ProcessSignals
{
    public static void Freeze(Process process) => Send("-STOP", process);

    public static void Resume(Process process) => Send("-CONT", process);

    private static void Send(string signal, Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { signal, process.Id.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }
}
