using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Containers.Engine.Hosting;

/// <summary>
/// Lets a hijacked connection outlive the client's half-close. Kestrel treats the client's FIN as the end of the
/// connection (it aborts the response), but Docker's attach protocol half-closes on purpose: the docker CLI shuts its
/// write side as soon as it has no (more) stdin to send and then reads output until the container stops. This
/// connection middleware stands between the transport's "connection closed" and Kestrel's HTTP layer: until an
/// endpoint asks for <see cref="KeepOutputOpen"/> (attach, just before its upgrade) the signal passes through as before;
/// afterwards a FIN only ends the upgraded stream's input (reads return 0), and a client that has really gone is
/// noticed by the next write.
/// </summary>
public sealed class HalfClose
{
    private const string ItemKey = "containers.half-close";

    private readonly CancellationTokenSource closed = new();
    private volatile bool keepOutput;

    /// <summary>After this, the client's FIN no longer aborts the connection's output.</summary>
    public void KeepOutputOpen() => keepOutput = true;

    /// <summary>The connection's half-close control, when it came through <see cref="Middleware"/>.</summary>
    public static HalfClose? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var value) == true ? value as HalfClose : null;

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var state = new HalfClose();
        connection.Items[ItemKey] = state;
        var original = connection.ConnectionClosed;
        using var cts = state.closed;
        using var forward = original.Register(() =>
        {
            if (!state.keepOutput) state.closed.Cancel();
        });
        connection.ConnectionClosed = state.closed.Token;
        try
        {
            await next(connection);
        }
        finally
        {
            connection.ConnectionClosed = original;
        }
    };
}
