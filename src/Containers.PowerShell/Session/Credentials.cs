using System.Management.Automation;
using System.Net;
using Containers.Api;

namespace Containers.PowerShell.Session;

/// <summary>Turns a PSCredential into the registry AuthConfig the API takes.</summary>
internal static class Credentials
{
    public static AuthConfig ToAuthConfig(PSCredential credential, string serverAddress) => new()
    {
        Username = credential.UserName,
        Password = new NetworkCredential(string.Empty, credential.Password).Password,
        ServerAddress = serverAddress,
    };
}
