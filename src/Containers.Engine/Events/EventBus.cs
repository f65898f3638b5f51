using System.Threading.Channels;
using Containers.Api;

namespace Containers.Engine.Events;

/// <summary>
/// The engine's event log: every part publishes here, <c>GET /events</c> subscribes. The last
/// <see cref="Capacity"/> events are kept in memory (as dockerd does) so <c>since</c> can replay them.
/// </summary>
public sealed class EventBus
{
    public const int Capacity = 1024;

    private readonly object _gate = new();
    private readonly Queue<EventMessage> _recent = new();
    private readonly List<Channel<EventMessage>> _subscribers = [];
    private long _lastNano;

    public int SubscriberCount
    {
        get { lock (_gate) return _subscribers.Count; }
    }

    public void Publish(string type, string action, string actorId, IDictionary<string, string>? attributes = null)
    {
        var message = new EventMessage
        {
            Type = type,
            Action = action,
            Actor = new EventActor { ID = actorId, Attributes = attributes is null ? [] : new Dictionary<string, string>(attributes) },
        };
        if (type is EventTypes.Container or EventTypes.Image)
        {
            message.Status = action;
            message.Id = actorId;
            if (type == EventTypes.Container) message.From = message.Actor.Attributes.GetValueOrDefault("image");
        }
        lock (_gate)
        {
            // Strictly increasing timestamps keep since/until exact even for events in the same tick.
            var now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            _lastNano = Math.Max(now, _lastNano + 1);
            message.TimeNano = _lastNano;
            message.Time = _lastNano / 1_000_000_000;
            _recent.Enqueue(message);
            if (_recent.Count > Capacity) _recent.Dequeue();
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(message);
        }
    }

    /// <summary>
    /// Atomically takes the retained events and starts receiving new ones, so nothing falls between the two.
    /// Dispose the subscription to stop receiving.
    /// </summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateUnbounded<EventMessage>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
            return new Subscription(this, channel, [.. _recent]);
        }
    }

    private void Unsubscribe(Channel<EventMessage> channel)
    {
        lock (_gate) _subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    public sealed class Subscription(EventBus bus, Channel<EventMessage> channel, IReadOnlyList<EventMessage> history) : IDisposable
    {
        public IReadOnlyList<EventMessage> History { get; } = history;

        public ChannelReader<EventMessage> Live => channel.Reader;

        public void Dispose() => bus.Unsubscribe(channel);
    }
}
