using System.Text.Json;

namespace Containers.Runtime.State;

/// <summary>
/// state.json and exit.json by hand (Utf8JsonWriter / JsonDocument): they are written and read on every container
/// start and exit by short-lived processes, where the serializer's ~4 ms first-use cost would dominate.
/// </summary>
internal static class StateJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static byte[] Write(ContainerRecord r)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Indented))
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("bundle", r.Bundle);
            w.WriteString("rootfs", r.Rootfs);
            w.WriteNumber("pid", r.Pid);
            w.WriteNumber("pidStartTime", r.PidStartTime);
            w.WriteNumber("shimPid", r.ShimPid);
            w.WriteString("created", r.Created);
            w.WriteString("cgroupPath", r.CgroupPath);
            w.WriteBoolean("cgroupCreated", r.CgroupCreated);
            if (r.Annotations is { } a)
            {
                w.WriteStartObject("annotations");
                foreach (var (k, v) in a) w.WriteString(k, v);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static ContainerRecord ReadRecord(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        return new ContainerRecord
        {
            Id = e.GetProperty("id").GetString()!,
            Bundle = e.GetProperty("bundle").GetString()!,
            Rootfs = e.GetProperty("rootfs").GetString()!,
            Pid = e.GetProperty("pid").GetInt32(),
            PidStartTime = e.GetProperty("pidStartTime").GetUInt64(),
            ShimPid = e.GetProperty("shimPid").GetInt32(),
            Created = e.GetProperty("created").GetDateTime(),
            CgroupPath = e.GetProperty("cgroupPath").GetString()!,
            CgroupCreated = e.GetProperty("cgroupCreated").GetBoolean(),
            Annotations = e.TryGetProperty("annotations", out var a) ? a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : null,
        };
    }

    public static byte[] Write(ExitStatus x)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Indented))
        {
            w.WriteStartObject();
            w.WriteNumber("exitCode", x.ExitCode);
            w.WriteNumber("signal", x.Signal);
            w.WriteBoolean("oomKilled", x.OomKilled);
            w.WriteString("finishedAt", x.FinishedAt);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static ExitStatus ReadExit(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        return new ExitStatus
        {
            ExitCode = e.GetProperty("exitCode").GetInt32(),
            Signal = e.GetProperty("signal").GetInt32(),
            OomKilled = e.GetProperty("oomKilled").GetBoolean(),
            FinishedAt = e.GetProperty("finishedAt").GetDateTime(),
        };
    }
}
