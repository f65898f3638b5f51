using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Containers.Images.Tests.Infrastructure;

/// <summary>
/// Pushes an OCI layout through the plain distribution API (monolithic uploads) for the cases skopeo
/// cannot produce: it always compresses layers for registries, so uncompressed layers and hand-made
/// manifests (foreign layers, oversized manifests) are pushed with this.
/// </summary>
public static class RegistryPusher
{
    public static async Task PushAsync(string layoutDir, string tag, string registryHost, string repository)
    {
        using var http = new HttpClient();
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(layoutDir, "index.json")))!;
        var entry = index["manifests"]!.AsArray().Single(m => m!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == tag)!;
        string manifestDigest = entry["digest"]!.GetValue<string>();
        var manifest = JsonNode.Parse(ReadBlob(layoutDir, manifestDigest))!;
        foreach (var d in manifest["layers"]!.AsArray().Append(manifest["config"]))
        {
            if (d!["urls"] is not null) continue; // foreign layers are not pushed
            await PushBlobAsync(http, registryHost, repository, d["digest"]!.GetValue<string>(), ReadBlob(layoutDir, d["digest"]!.GetValue<string>()));
        }
        await PutManifestAsync(http, registryHost, repository, tag, ReadBlob(layoutDir, manifestDigest), entry["mediaType"]!.GetValue<string>());
    }

    public static byte[] ReadBlob(string layoutDir, string digest) => File.ReadAllBytes(Path.Combine(layoutDir, "blobs", "sha256", digest["sha256:".Length..]));

    public static async Task PushBlobAsync(HttpClient http, string host, string repository, string digest, byte[] data)
    {
        using var start = await http.PostAsync($"http://{host}/v2/{repository}/blobs/uploads/", null);
        start.EnsureSuccessStatusCode();
        var location = start.Headers.Location!;
        if (!location.IsAbsoluteUri) location = new Uri(new Uri($"http://{host}"), location);
        string sep = location.Query.Length > 0 ? "&" : "?";
        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync(location + sep + "digest=" + Uri.EscapeDataString(digest), content);
        put.EnsureSuccessStatusCode();
    }

    public static async Task PutManifestAsync(HttpClient http, string host, string repository, string reference, byte[] manifest, string mediaType)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await http.PutAsync($"http://{host}/v2/{repository}/manifests/{reference}", content);
        if (!put.IsSuccessStatusCode) throw new InvalidOperationException($"manifest PUT failed: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }
}
