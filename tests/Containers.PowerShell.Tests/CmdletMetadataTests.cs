using System.Reflection;
using System.Xml.Linq;

namespace Containers.PowerShell.Tests;

/// <summary>PowerShell conventions every cmdlet of the module must follow, checked on the built module.</summary>
public sealed class CmdletMetadataTests(ModuleMetadata module) : IClassFixture<ModuleMetadata>
{
    /// <summary>Verbs whose cmdlets change or remove things, and so must support -WhatIf and -Confirm.</summary>
    private static readonly string[] ChangingVerbs =
        ["Remove", "Stop", "Restart", "Suspend", "Clear", "Reset", "Set", "Rename", "Update", "Uninstall", "Unregister", "Disable"];

    /// <summary>Names the design fixes that do not follow the Container* noun pattern.</summary>
    private static readonly string[] NamedByDesign = ["Invoke-ImagePull"];

    [Fact]
    public void The_module_defines_the_expected_cmdlets()
    {
        var names = module.CmdletTypes.Select(ModuleMetadata.CmdletName).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "Connect-ContainerEngine", "Get-ContainerEngine", "Connect-ContainerRegistry", "Invoke-ImagePull",
            "Get-ContainerImage", "Remove-ContainerImage", "Add-ContainerImageTag",
            "Get-Container", "New-Container", "Rename-Container", "Remove-Container",
            "Start-Container", "Stop-Container", "Restart-Container", "Suspend-Container", "Resume-Container", "Wait-Container",
            "Get-ContainerLog", "Invoke-ContainerImage", "Enter-Container", "Get-ContainerProcess", "Invoke-ContainerCommand",
            "Get-ContainerStatistics", "Update-Container",
            "Get-ContainerNetwork", "New-ContainerNetwork", "Remove-ContainerNetwork", "Connect-ContainerNetwork", "Disconnect-ContainerNetwork",
            "Get-ContainerVolume", "New-ContainerVolume", "Remove-ContainerVolume",
        }, names);
    }

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb_and_a_Container_noun()
    {
        var approved = module.ApprovedVerbs;
        Assert.Contains("Get", approved);
        Assert.DoesNotContain("Fetch", approved);
        foreach (var type in module.CmdletTypes)
        {
            var name = ModuleMetadata.CmdletName(type);
            var verb = name[..name.IndexOf('-')];
            Assert.True(approved.Contains(verb), $"{name}: '{verb}' is not an approved verb");
            if (!NamedByDesign.Contains(name)) Assert.StartsWith("Container", name[(name.IndexOf('-') + 1)..]);
        }
    }

    [Fact]
    public void Every_cmdlet_declares_a_public_output_type()
    {
        foreach (var type in module.CmdletTypes)
        {
            var output = ModuleMetadata.Attribute(type, "OutputTypeAttribute");
            Assert.True(output is not null, $"{ModuleMetadata.CmdletName(type)} has no [OutputType]");
            var declared = ((IEnumerable<CustomAttributeTypedArgument>)output!.ConstructorArguments[0].Value!).Select(a => (Type)a.Value!);
            Assert.All(declared, t => Assert.True(t.IsPublic, $"{t} is not public"));
        }
    }

    [Fact]
    public void Cmdlets_that_change_state_support_ShouldProcess()
    {
        foreach (var type in module.CmdletTypes)
        {
            var name = ModuleMetadata.CmdletName(type);
            var supports = ModuleMetadata.Named<bool>(ModuleMetadata.Attribute(type, "CmdletAttribute")!, "SupportsShouldProcess");
            if (ChangingVerbs.Contains(name[..name.IndexOf('-')]))
                Assert.True(supports, $"{name} changes state but does not support -WhatIf/-Confirm");
        }
    }

    [Fact]
    public void Cmdlets_are_public_sealed_with_a_parameterless_constructor()
    {
        foreach (var type in module.CmdletTypes)
        {
            Assert.True(type.IsPublic && type.IsSealed, $"{type} must be public sealed");
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        }
    }

    [Fact]
    public void Every_parameter_set_a_parameter_names_is_reachable()
    {
        foreach (var type in module.CmdletTypes)
        {
            var cmdlet = ModuleMetadata.Attribute(type, "CmdletAttribute")!;
            var defaultSet = ModuleMetadata.Named<string>(cmdlet, "DefaultParameterSetName");
            var sets = Parameters(type).SelectMany(p => p.Attributes).Select(a => ModuleMetadata.Named<string>(a, "ParameterSetName"))
                .OfType<string>().Distinct().ToList();
            if (sets.Count > 1)
                Assert.True(defaultSet is not null && sets.Contains(defaultSet), $"{ModuleMetadata.CmdletName(type)} has sets {string.Join(",", sets)} but no valid default");
        }
    }

    [Fact]
    public void Connect_ContainerEngine_takes_a_uri_and_all_three_tls_files_together()
    {
        var type = module.CmdletTypes.Single(t => ModuleMetadata.CmdletName(t) == "Connect-ContainerEngine");
        var parameters = Parameters(type).ToDictionary(p => p.Property.Name);
        Assert.Equal(["CACertificatePath", "CertificatePath", "KeyPath", "Uri"], parameters.Keys.Order());
        Assert.Equal(0, ModuleMetadata.Named<int>(parameters["Uri"].Attributes[0], "Position"));
        foreach (var tls in new[] { "CACertificatePath", "CertificatePath", "KeyPath" })
        {
            var attribute = Assert.Single(parameters[tls].Attributes);
            Assert.Equal("Tls", ModuleMetadata.Named<string>(attribute, "ParameterSetName"));
            Assert.True(ModuleMetadata.Named<bool>(attribute, "Mandatory"), $"{tls} must be mandatory in the Tls set");
        }
        var uriInTls = parameters["Uri"].Attributes.Single(a => ModuleMetadata.Named<string>(a, "ParameterSetName") == "Tls");
        Assert.True(ModuleMetadata.Named<bool>(uriInTls, "Mandatory"), "a TLS connection needs an explicit -Uri");
        Assert.Equal("Plain", ModuleMetadata.Named<string>(ModuleMetadata.Attribute(type, "CmdletAttribute")!, "DefaultParameterSetName"));
    }

    [Fact]
    public void Credentials_are_PSCredentials()
    {
        foreach (var name in new[] { "Invoke-ImagePull", "Connect-ContainerRegistry" })
        {
            var credential = Cmdlet(name).GetProperty("Credential")!;
            Assert.Equal("System.Management.Automation.PSCredential", credential.PropertyType.FullName);
            Assert.NotNull(ModuleMetadata.Attribute(credential, "CredentialAttribute"));
        }
    }

    private Type Cmdlet(string name) => module.CmdletTypes.Single(t => ModuleMetadata.CmdletName(t) == name);

    [Fact]
    public void Remove_ContainerVolume_prunes_in_a_set_of_its_own()
    {
        var parameters = Parameters(Cmdlet("Remove-ContainerVolume")).ToDictionary(p => p.Property.Name);
        string[] Sets(string parameter) => parameters[parameter].Attributes.Select(a => ModuleMetadata.Named<string>(a, "ParameterSetName") ?? "__AllParameterSets").Order().ToArray();
        Assert.Equal(["Unused"], Sets("Unused"));
        Assert.True(ModuleMetadata.Named<bool>(parameters["Unused"].Attributes[0], "Mandatory"), "-Unused selects the prune set");
        Assert.Equal(["Unused"], Sets("All"));
        Assert.Equal(["InputObject", "Name"], Sets("Force"));
        Assert.Equal(["__AllParameterSets"], Sets("PassThru"));
        Assert.Equal(["Name"], Sets("Name"));
    }

    [Fact]
    public void Get_ContainerEngine_returns_the_engine_summary()
    {
        var type = module.CmdletTypes.Single(t => ModuleMetadata.CmdletName(t) == "Get-ContainerEngine");
        var output = ModuleMetadata.Attribute(type, "OutputTypeAttribute")!;
        var declared = ((IEnumerable<CustomAttributeTypedArgument>)output.ConstructorArguments[0].Value!).Select(a => ((Type)a.Value!).FullName);
        Assert.Equal(["Containers.Client.EngineSummary"], declared);
    }

    [Fact]
    public void The_manifest_targets_PowerShell_7_6_Core_and_names_files_that_exist()
    {
        Assert.Equal("'7.6'", module.ManifestValue("PowerShellVersion"));
        Assert.Equal("@('Core')", module.ManifestValue("CompatiblePSEditions"));
        Assert.Equal("'Containers.PowerShell.dll'", module.ManifestValue("RootModule"));
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "Containers.PowerShell.dll")));
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "Containers.format.ps1xml")));
        Assert.Equal("@('Containers.format.ps1xml')", module.ManifestValue("FormatsToProcess"));
        Assert.True(File.Exists(Path.Combine(module.ModuleDirectory, "Containers.types.ps1xml")));
        Assert.Equal("@('Containers.types.ps1xml')", module.ManifestValue("TypesToProcess"));
    }

    [Fact]
    public void Format_views_and_type_data_select_types_the_module_really_has()
    {
        var format = XDocument.Load(Path.Combine(module.ModuleDirectory, "Containers.format.ps1xml"));
        var types = XDocument.Load(Path.Combine(module.ModuleDirectory, "Containers.types.ps1xml"));
        var typeNames = format.Descendants("TypeName").Concat(types.Root!.Elements("Type").Elements("Name")).Select(e => e.Value.Trim()).ToList();
        Assert.NotEmpty(typeNames);
        var known = Directory.GetFiles(module.ModuleDirectory, "Containers.*.dll")
            .SelectMany(path => module.Context.LoadFromAssemblyPath(path).GetTypes()).Select(t => t.FullName).ToHashSet();
        foreach (var name in typeNames) Assert.True(known.Contains(name), $"format view selects unknown type {name}");
    }

    private static IEnumerable<(PropertyInfo Property, List<CustomAttributeData> Attributes)> Parameters(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, ModuleMetadata.Attributes(p, "ParameterAttribute").ToList()))
            .Where(p => p.Item2.Count > 0);
}
