using System.Collections.Concurrent;
using Containers.Api;
using Containers.Engine.Errors;
using Containers.Engine.Events;
using Containers.Engine.Exec;
using Containers.Runtime.Launch;
using Containers.Runtime.Spec;

namespace Containers.Engine.Lifecycle;

/// <summary>
/// Exec: processes started inside a running container (<c>docker exec</c>). Instances live in memory, as in dockerd:
/// created, started once, their exit code kept (the engine is the process's parent and reaps it whether or not a client
/// waits) until the container is removed. Running ones are the container's <c>ExecIDs</c>.
/// </summary>
public sealed partial class ContainerService
{
    private readonly ConcurrentDictionary<string, ExecInstance> _execs = new(StringComparer.Ordinal);

    /// <summary>How a start went: the streams to pump, or (attached) the message dockerd writes into the stream instead.</summary>
    public sealed record ExecStartResult(ExecAttachment? Streams, string? Failure);

    /// <summary><c>POST /containers/{id}/exec</c>: Docker's checks, then an instance waiting for its start.</summary>
    public ExecCreateResponse CreateExec(string idOrName, ExecCreateRequest request)
    {
        var record = ActiveContainer(idOrName);
        if (request.Cmd is not { Count: > 0 }) throw new InvalidParameterException("No exec command specified");
        byte[]? keys = null;
        if (!string.IsNullOrEmpty(request.DetachKeys))
        {
            try { keys = Engine.Logs.DetachKeys.Parse(request.DetachKeys); }
            catch (InvalidParameterException) { throw new InvalidParameterException($"Invalid escape keys ({request.DetachKeys}) provided"); }
        }
        if (request.ConsoleSize is { Length: not 2 }) throw new InvalidParameterException("ConsoleSize must have two elements (height, width)");
        var exec = new ExecInstance(ContainerStore.NewId(), record.Id, request, keys);
        _execs[exec.Id] = exec;
        events.Publish(EventTypes.Container, "exec_create: " + string.Join(' ', request.Cmd), record.Id, ExecAttributes(record, exec));
        return new ExecCreateResponse { Id = exec.Id };
    }

    /// <summary>dockerd's errors for an exec into a container that does not run, is paused or is restarting (409).</summary>
    private ContainerRecord ActiveContainer(string idOrName)
    {
        var record = store.Get(idOrName);
        if (record.Status == ContainerStatus.Paused) throw new ConflictException($"Container {idOrName} is paused, unpause the container before exec");
        if (record.Status == ContainerStatus.Restarting) throw new ConflictException($"Container {record.Id} is restarting, wait until the container is running");
        if (record.Status != ContainerStatus.Running) throw new ConflictException($"container {record.Id} is not running");
        return record;
    }

    public ExecInstance Exec(string execId) =>
        _execs.TryGetValue(execId, out var exec) ? exec : throw new NotFoundException($"No such exec instance: {execId}");

    public ExecInspect InspectExec(string execId) => Exec(execId).View();

    /// <summary>
    /// <c>POST /exec/{id}/start</c>: starts the process. Detached, a failure is the request's error; attached (the
    /// connection is already hijacked, as in dockerd) it is the text written into the stream, and the exit code is set as
    /// dockerd sets it: 127 for a command not found, 126 for one that cannot be invoked.
    /// </summary>
    public async Task<ExecStartResult> StartExecAsync(string execId, ExecStartRequest request, bool attached, bool readInput)
    {
        var exec = Exec(execId);
        ContainerRecord record;
        try
        {
            if (!exec.TryBegin()) throw new ConflictException($"Error: Exec command {exec.Id} is already running");
            record = ActiveContainer(exec.ContainerId);
        }
        catch (DomainException e) when (attached)
        {
            return new ExecStartResult(null, e.Message);
        }
        var config = exec.Config;
        var stdio = attached ? new ExecStdio(config.AttachStdin && readInput, config.AttachStdout, config.AttachStderr) : new ExecStdio(false, false, false);
        ExecProcess process;
        try
        {
            var spec = ExecProcessSpec(record, config, request.ConsoleSize ?? config.ConsoleSize);
            events.Publish(EventTypes.Container, "exec_start: " + string.Join(' ', config.Cmd!), record.Id, ExecAttributes(record, exec));
            process = await Task.Run(() => ExecProcess.Start(runner.Runtime, record.Id, spec, stdio, runner.ExecConsoleSocket(exec.Id),
                code => ExecEnded(record, exec, code)));
        }
        catch (Exception e) when (e is ContainerStartException or InvalidSpecException or ArgumentException or IOException or InvalidOperationException
            or Containers.Runtime.State.ContainerNotFoundException)
        {
            var message = $"OCI runtime exec failed: exec failed: unable to start container process: {e.Message}: unknown";
            var lower = e.Message.ToLowerInvariant();
            exec.Ended(lower.Contains("permission denied") || lower.Contains("is a directory") ? 126
                : lower.Contains("executable file not found") || lower.Contains("no such file or directory") ? 127 : 126);
            if (!attached) throw new InvalidParameterException(message);
            return new ExecStartResult(null, message);
        }
        exec.Launched(process);
        return new ExecStartResult(attached ? new ExecAttachment(process, stdio.Stdin ? process.TakeInput() : null, exec.DetachKeys) : null, null);
    }

    private void ExecEnded(ContainerRecord record, ExecInstance exec, int exitCode)
    {
        exec.Ended(exitCode);
        events.Publish(EventTypes.Container, "exec_die", record.Id,
            new Dictionary<string, string>(ExecAttributes(record, exec)) { ["exitCode"] = exitCode.ToString() });
    }

    /// <summary>The client detached from an exec with the detach keys (dockerd's exec_detach event).</summary>
    public void ExecDetached(string execId)
    {
        var exec = Exec(execId);
        if (store.TryGet(exec.ContainerId) is { } record) events.Publish(EventTypes.Container, "exec_detach", record.Id, ExecAttributes(record, exec));
    }

    /// <summary><c>POST /exec/{id}/resize</c>: the exec's terminal size.</summary>
    public void ResizeExec(string execId, ushort width, ushort height)
    {
        var exec = Exec(execId);
        if (exec.Process is not { } process) throw new ConflictException($"Exec {execId} is not running");
        try { process.Resize(width, height); }
        catch (Exception e) when (e is InvalidOperationException or IOException or Interop.SyscallException)
        {
            throw new ConflictException($"cannot resize the terminal of exec {execId}: {e.Message}");
        }
    }

    /// <summary>The IDs of the container's execs that are waiting to start or running (inspect's ExecIDs; null when none, as dockerd).</summary>
    private List<string>? ExecIdsOf(string containerId)
    {
        var ids = _execs.Values.Where(e => e.ContainerId == containerId && e.ExitCode is null).Select(e => e.Id).ToList();
        return ids.Count > 0 ? ids : null;
    }

    /// <summary>The container is removed: so are its exec instances.</summary>
    private void ForgetExecs(string containerId)
    {
        foreach (var exec in _execs.Values.Where(e => e.ContainerId == containerId)) _execs.TryRemove(exec.Id, out _);
    }

    /// <summary>
    /// The process of an exec: the container's own (its config.json: capabilities, rlimits, no_new_privs, user) with the
    /// exec's command, environment (Docker's: the container's, TERM=xterm with a TTY, then the exec's own by key),
    /// working directory, user and terminal; privileged gets every capability.
    /// </summary>
    private ProcessSpec ExecProcessSpec(ContainerRecord record, ExecCreateRequest config, uint[]? consoleSize)
    {
        var process = runner.Runtime.ContainerProcess(record.Id);
        process.Args = [.. config.Cmd!];
        process.Terminal = config.Tty;
        process.ConsoleSize = config.Tty && consoleSize is [var h, var w] && h > 0 && w > 0 ? new ConsoleSize { Height = h, Width = w } : null;
        var env = (process.Env ?? []).Where(e => !e.StartsWith("TERM=", StringComparison.Ordinal)).ToList();
        if (config.Tty) env.Add("TERM=xterm");
        foreach (var entry in config.Env ?? [])
        {
            var key = entry.Split('=', 2)[0];
            env.RemoveAll(e => e.Split('=', 2)[0] == key);
            if (entry.Contains('=')) env.Add(entry);
        }
        process.Env = env;
        if (config.WorkingDir.Length > 0) process.Cwd = config.WorkingDir;
        if (config.User.Length > 0)
        {
            try { process.User = UserResolver.Resolve(Path.Combine(runner.BundleOf(record.Id), "rootfs"), config.User); }
            catch (ArgumentException e) { throw new InvalidSpecException(e.Message); }
        }
        if (config.Privileged)
        {
            List<string> all = [.. Containers.Runtime.Security.Capabilities.Names];
            process.Capabilities = new CapabilitiesSpec { Bounding = all, Effective = all, Permitted = all };
        }
        return process;
    }

    private static Dictionary<string, string> ExecAttributes(ContainerRecord record, ExecInstance exec) =>
        new(Attributes(record)) { ["execID"] = exec.Id };
}
