using Containers.Engine.Logs;

namespace Containers.Engine.Tests.Logs;

/// <summary>
/// An attach's input on a real FIFO, read as the container's shim reads it: forwarded bytes, the detach sequence
/// (TTY only), waiting for the FIFO to appear, and closing it at the client's EOF.
/// </summary>
public sealed class AttachInputTests : TempDirectory // a fresh directory per test, removed after it
{
    private string Fifo => System.IO.Path.Combine(Path, "stdin");

    private void MakeFifo()
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Fifo]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private ContainerAttachment Attachment(bool tty, bool stdinOnce, Task? stopped = null, string? keys = null) =>
        new(System.IO.Path.Combine(Path, "log"), new AttachOptions { Stream = true, Stdin = true, Stdout = true, DetachKeys = keys }, tty, Fifo, stdinOnce,
            stopped ?? new TaskCompletionSource().Task);

    /// <summary>Reads the FIFO as the shim does (opened before any writer) until the last writer has closed it.</summary>
    private Task<string> ReadFifoAsync() => Task.Run(() =>
    {
        // Opening for reading blocks until a writer comes: the attach opens it at its first byte.
        using var reader = new FileStream(Fifo, FileMode.Open, FileAccess.Read);
        using var text = new StreamReader(reader);
        return text.ReadToEnd();
    });

    [Fact]
    public void Detach_keys_parse_as_dockers()
    {
        Assert.Equal(new byte[] { 0x10, 0x11 }, DetachKeys.Parse(null));
        Assert.Equal(new byte[] { 0x01, (byte)'x', 0x1b, 0 }, DetachKeys.Parse("ctrl-a,x,ctrl-[,ctrl-@"));
        Assert.Throws<Errors.InvalidParameterException>(() => DetachKeys.Parse("ctrl-1"));
        Assert.Throws<Errors.InvalidParameterException>(() => DetachKeys.Parse("ab"));
    }

    [Fact]
    public void The_scanner_holds_back_a_possible_sequence_and_releases_it_when_broken()
    {
        var keys = new DetachKeys(DetachKeys.Default);
        var forward = new List<byte>();
        Assert.False(keys.Scan("a\u0010"u8, forward));
        Assert.Equal("a"u8.ToArray(), forward);
        Assert.False(keys.Scan("b\u0010"u8, forward)); // ctrl-p then b: both go through; the next ctrl-p is held
        Assert.Equal("a\u0010b"u8.ToArray(), forward);
        Assert.True(keys.Scan("\u0011ignored"u8, forward));
        Assert.Equal("a\u0010b"u8.ToArray(), forward);
    }

    [Fact]
    public async Task Input_goes_into_the_fifo_and_EOF_closes_it()
    {
        MakeFifo();
        var read = ReadFifoAsync();
        var end = await Attachment(tty: false, stdinOnce: true).CopyInputAsync(new MemoryStream("abc\n"u8.ToArray()), CancellationToken.None);
        Assert.Equal(AttachInputEnd.Closed, end);
        Assert.Equal("abc\n", await read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task With_StdinOnce_the_fifo_is_opened_and_closed_even_without_input()
    {
        var attach = Attachment(tty: false, stdinOnce: true);
        Assert.True(attach.OutputOutlivesInput);
        var copying = attach.CopyInputAsync(new MemoryStream(), CancellationToken.None);
        await Task.Delay(100); // the FIFO appears when the container starts, after the attach
        Assert.False(copying.IsCompleted);
        MakeFifo();
        var read = ReadFifoAsync();
        Assert.Equal(AttachInputEnd.Closed, await copying.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("", await read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_detach_sequence_ends_a_tty_attach_and_is_not_forwarded()
    {
        MakeFifo();
        var read = ReadFifoAsync();
        var attach = Attachment(tty: true, stdinOnce: false);
        Assert.False(attach.OutputOutlivesInput);
        var end = await attach.CopyInputAsync(new MemoryStream("ls\n\u0010\u0011echo never\n"u8.ToArray()), CancellationToken.None);
        Assert.Equal(AttachInputEnd.Detached, end);
        Assert.Equal("ls\n", await read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Without_a_tty_detach_keys_are_ordinary_input()
    {
        MakeFifo();
        var read = ReadFifoAsync();
        var end = await Attachment(tty: false, stdinOnce: false, keys: "ctrl-x").CopyInputAsync(new MemoryStream("a\u0018b"u8.ToArray()), CancellationToken.None);
        Assert.Equal(AttachInputEnd.Closed, end);
        Assert.Equal("a\u0018b", await read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Input_for_a_container_that_stopped_before_its_fifo_opened_is_dropped()
    {
        var stopped = new TaskCompletionSource();
        var copying = Attachment(tty: false, stdinOnce: true, stopped.Task).CopyInputAsync(new MemoryStream("lost"u8.ToArray()), CancellationToken.None);
        await Task.Delay(50);
        stopped.SetResult();
        Assert.Equal(AttachInputEnd.Closed, await copying.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(File.Exists(Fifo));
    }
}
