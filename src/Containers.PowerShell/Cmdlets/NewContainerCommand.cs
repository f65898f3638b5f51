using System.Management.Automation;
using Containers.Client;

namespace Containers.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Creates a container from an image, like <c>docker create</c>.</para>
/// <para type="description">The engine's warnings (settings it cannot honour fully) are written as PowerShell warnings.</para>
/// </summary>
/// <example><code>New-Container busybox -Name web -- httpd -f -p 8080</code><para>Creates a container named web that runs busybox's httpd; '--' ends PowerShell's parameters so -f and -p go to the command.</para></example>
/// <example><code>New-Container alpine -Environment @{ MODE = 'test' } -Memory 256MB -Cpus 0.5 -Label @{ team = 'qa' } -- sh -c 'echo $MODE'</code><para>Creates a container with an environment variable, a 256 MiB memory limit, half a CPU and a label.</para></example>
/// <example><code>New-Container busybox -Name shell -Tty -Interactive sh</code><para>Creates a container with a terminal and open standard input, for an interactive shell.</para></example>
[Cmdlet(VerbsCommon.New, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Container))]
public sealed class NewContainerCommand : ContainerCreateCmdlet
{
    /// <summary>Give the container a terminal (its output is then one stream of raw terminal bytes).</summary>
    [Parameter]
    public SwitchParameter Tty { get; set; }

    /// <summary>Keep the container's stdin open for attaching (Enter-Container), like docker create -i.</summary>
    [Parameter]
    public SwitchParameter Interactive { get; set; }

    /// <summary>The engine removes the container when it exits.</summary>
    [Parameter]
    public SwitchParameter AutoRemove { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Image, "Create container" + (Name is null ? "" : $" {Name}"))) return;
        var request = BuildCreateRequest(Tty, Interactive, AutoRemove);
        ForItem(Image, () => WriteObject(Listed(CreateContainer(request))));
    }
}
