using System.Text.Json.Serialization;
using Containers.Api;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Everything the engine keeps about one container, persisted as <c>data-root/containers/ID/container.json</c>.
/// The API's inspect and list shapes are views of this record.
/// </summary>
public sealed class ContainerRecord
{
    public string Id { get; set; } = "";

    /// <summary>Without the leading slash; the API shows it as <c>/name</c>.</summary>
    public string Name { get; set; } = "";

    public DateTimeOffset Created { get; set; }

    /// <summary>The image as the user named it (shown by <c>docker ps</c>).</summary>
    public string ImageName { get; set; } = "";

    /// <summary>The image's ID (config digest).</summary>
    public string ImageId { get; set; } = "";

    public string Path { get; set; } = "";
    public List<string> Args { get; set; } = [];
    public ContainerConfig Config { get; set; } = new();
    public HostConfig HostConfig { get; set; } = new();
    public ContainerState State { get; set; } = new();

    /// <summary>The volumes, binds and tmpfs of HostConfig.Binds and Mounts, resolved at create (inspect's Mounts).</summary>
    public List<Volumes.ContainerMount> Mounts { get; set; } = [];

    /// <summary>The container's networks (Networks map), with their addresses while it runs.</summary>
    public NetworkSettings NetworkSettings { get; set; } = new();

    /// <summary>Per network ID: what the record keeps of the attachment beyond the API's EndpointSettings.</summary>
    public Dictionary<string, Networks.NetworkAttachment> Attachments { get; set; } = [];

    /// <summary>The state's status as a type (the record keeps Docker's wire shape on disk).</summary>
    [JsonIgnore]
    public ContainerStatus Status => ContainerStatus.Of(State);

    /// <summary>Moves the state to <paramref name="status"/>, keeping Docker's Running/Paused/Restarting flags in step with it.</summary>
    public void MoveTo(ContainerStatus status)
    {
        State.Status = status.Name;
        State.Running = status.IsRunning;
        State.Paused = status == ContainerStatus.Paused;
        State.Restarting = status == ContainerStatus.Restarting;
    }
    public int RestartCount { get; set; }

    /// <summary>Set when the user stopped it, so unless-stopped does not bring it back at engine start.</summary>
    public bool StoppedByUser { get; set; }
}
