using Containers.Runtime.Launch;
using static Containers.Interop.Libc;

namespace Containers.Runtime.Tests;

/// <summary>The typed channel between create, shim, init and exec-init, over a real pipe.</summary>
public sealed unsafe class SyncChannelTests
{
    private static (SyncChannel reader, SyncChannel writer) Pipe()
    {
        int* fds = stackalloc int[2];
        Check(pipe2(fds, O_CLOEXEC), "pipe2");
        return (new SyncChannel(fds[0]), new SyncChannel(fds[1]));
    }

    [Fact]
    public void EveryKindCrossesThePipeAsSent()
    {
        var (reader, writer) = Pipe();
        using (reader)
        {
            using (writer)
            {
                writer.Send(SyncKind.Go);
                writer.Send(SyncKind.Warn, "memory swap\nlimit ignored"); // one line on the wire
                writer.Send(SyncKind.Ready);
                writer.Send(SyncKind.Ok, "4242");
                writer.Send(SyncKind.Error, "exec: \"nope\": not found");
            }
            Assert.Equal(new SyncMessage(SyncKind.Go), reader.Receive());
            Assert.Equal(new SyncMessage(SyncKind.Warn, "memory swap limit ignored"), reader.Receive());
            Assert.Equal(new SyncMessage(SyncKind.Ready), reader.Receive());
            Assert.Equal(new SyncMessage(SyncKind.Ok, "4242"), reader.Receive());
            Assert.Equal(new SyncMessage(SyncKind.Error, "exec: \"nope\": not found"), reader.Receive());
            Assert.Null(reader.Receive()); // EOF once the writer is closed
        }
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("ready now")] // Go and Ready carry no text
    [InlineData("warn")]      // Warn, Error and Ok do
    [InlineData("ok abc")]    // Ok carries a PID
    [InlineData("GO")]
    public void LinesThatAreNoMessageAreRefused(string line) => Assert.Null(SyncChannel.Decode(line));

    [Fact]
    public void AwaitResultRelaysWarningsThenReturnsTheSuccess()
    {
        var (reader, writer) = Pipe();
        using (reader)
        {
            using (writer) { writer.Send(SyncKind.Warn, "a"); writer.Send(SyncKind.Warn, "b"); writer.Send(SyncKind.Ok, "7"); }
            var warnings = new List<string>();
            var ok = reader.AwaitResult(SyncKind.Ok, warnings.Add, "gone", "shim");
            Assert.Equal("7", ok.Text);
            Assert.Equal(["a", "b"], warnings);
        }
    }

    [Theory]
    [InlineData(SyncKind.Error, "bad mount", "bad mount")]
    [InlineData(SyncKind.Ready, "", "shim sent an unexpected line: ready")] // the shim's final message is Ok
    [InlineData(null, "", "shim exited without reporting")]
    public void AwaitResultFailsWithTheChildsWords(SyncKind? last, string text, string expected)
    {
        var (reader, writer) = Pipe();
        using (reader)
        {
            using (writer) if (last is { } k) writer.Send(k, text);
            var e = Assert.Throws<ContainerStartException>(() => reader.AwaitResult(SyncKind.Ok, _ => { }, "shim exited without reporting", "shim"));
            Assert.Equal(expected, e.Message);
        }
    }
}
