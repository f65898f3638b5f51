using System.Runtime.InteropServices;

namespace Containers.PowerShell.Terminal;

/// <summary>
/// The console's terminal in raw mode for an interactive session (every key goes to the container as its bytes, Ctrl+C
/// and Ctrl+P included; no echo, no line editing), restored as it was on Dispose. Done with termios on fd 0 directly:
/// .NET's Console has no raw mode (ReadKey translates keys and cannot be interrupted), and running stty as a child
/// process would have .NET re-apply its own terminal settings when the child exits. These few libc calls are the
/// module's own because the module folder ships only the client assemblies, not Containers.Interop.
/// </summary>
internal sealed unsafe partial class RawTerminal : IDisposable
{
    private const string Lib = "libc.so.6";
    private const int StdinFd = 0, StdoutFd = 1, TCSANOW = 0;
    private const short POLLIN = 1;
    private const int TermiosSize = 256; // larger than struct termios on every libc (glibc's is 60 bytes)

    private readonly byte[] _saved = new byte[TermiosSize];
    private bool _restored;

    [LibraryImport(Lib)] private static partial int isatty(int fd);
    [LibraryImport(Lib, SetLastError = true)] private static partial int tcgetattr(int fd, byte* termios);
    [LibraryImport(Lib, SetLastError = true)] private static partial int tcsetattr(int fd, int actions, byte* termios);
    [LibraryImport(Lib)] private static partial void cfmakeraw(byte* termios);
    [LibraryImport(Lib, SetLastError = true)] private static partial int poll(PollFd* fds, ulong nfds, int timeout);
    [LibraryImport(Lib, SetLastError = true)] private static partial nint read(int fd, byte* buf, nint count);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>True when stdin and stdout are a terminal (not redirected), which an interactive session needs.</summary>
    public static bool IsAvailable => isatty(StdinFd) == 1 && isatty(StdoutFd) == 1;

    public RawTerminal()
    {
        var raw = new byte[TermiosSize];
        fixed (byte* saved = _saved)
        fixed (byte* rawPtr = raw)
        {
            if (tcgetattr(StdinFd, saved) != 0) throw new InvalidOperationException($"cannot read the terminal settings (errno {Marshal.GetLastPInvokeError()})");
            Buffer.MemoryCopy(saved, rawPtr, TermiosSize, TermiosSize);
            cfmakeraw(rawPtr);
            if (tcsetattr(StdinFd, TCSANOW, rawPtr) != 0) throw new InvalidOperationException($"cannot set the terminal to raw mode (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>
    /// Reads what was typed, waiting at most <paramref name="timeoutMilliseconds"/>: the byte count, 0 when nothing came
    /// in time, -1 at the end of the input. Waiting with a timeout lets the session end without a key being read (and
    /// lost) after it is over.
    /// </summary>
    public static int Read(byte[] buffer, int timeoutMilliseconds)
    {
        var fd = new PollFd { Fd = StdinFd, Events = POLLIN };
        int ready = poll(&fd, 1, timeoutMilliseconds);
        if (ready <= 0) return 0; // timeout, or EINTR (a signal such as SIGWINCH): try again
        fixed (byte* p = buffer)
        {
            var n = read(StdinFd, p, buffer.Length);
            return n > 0 ? (int)n : n == 0 ? -1 : 0;
        }
    }

    public void Dispose()
    {
        if (_restored) return;
        _restored = true;
        fixed (byte* saved = _saved) tcsetattr(StdinFd, TCSANOW, saved);
    }
}
