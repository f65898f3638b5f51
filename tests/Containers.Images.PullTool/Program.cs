// Pulls one image into a data root with the Containers.Images library, printing Docker-shaped JSON
// progress lines. Used by the SIGKILL-resume test (as a separate process to kill) and by bench/Images.
// Usage: Containers.Images.PullTool <data-root> <reference> [max-concurrent-downloads]
using Containers.Images.Content;
using Containers.Images.Pull;
using Containers.Images.Registry;
using Containers.Images.Store;
using Containers.Images.Tests.Infrastructure;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Containers.Images.PullTool <data-root> <reference> [max-concurrent-downloads]");
    return 2;
}
string root = args[0];
int concurrency = args.Length > 2 ? int.Parse(args[2]) : 3;
var content = new ContentStore(Path.Combine(root, "content"));
var images = new ImageStore(Path.Combine(root, "images"), content);
var unpacker = new VerifyingLayerUnpacker(Path.Combine(root, "layers"));
using var registry = new RegistryClient(new RegistryOptions(), new DockerConfigCredentialProvider(DockerConfigCredentialProvider.DefaultPath));
var puller = new ImagePuller(registry, content, images, unpacker, concurrency);
try
{
    var result = await puller.PullAsync(args[1], progress: p => Console.Out.WriteLine(p.ToDockerJson()));
    Console.Out.Flush();
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
    return 1;
}
