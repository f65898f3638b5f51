@{
    RootModule           = 'Containers.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0c7a2e-9a44-4d0e-8f3f-0e1b6b3c2f11'
    Author               = 'Containers contributors'
    CompanyName          = 'Containers'
    Copyright            = 'Apache-2.0'
    Description          = 'Manage containers, images and volumes of a containers-engine (a Docker Engine API compatible engine) from PowerShell.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    TypesToProcess       = @('Containers.types.ps1xml')
    FormatsToProcess     = @('Containers.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-ContainerEngine'
        'Get-ContainerEngine'
        'Connect-ContainerRegistry'
        'Invoke-ImagePull'
        'Get-ContainerImage'
        'Remove-ContainerImage'
        'Add-ContainerImageTag'
        'Get-Container'
        'New-Container'
        'Start-Container'
        'Stop-Container'
        'Restart-Container'
        'Suspend-Container'
        'Resume-Container'
        'Wait-Container'
        'Rename-Container'
        'Remove-Container'
        'Get-ContainerLog'
        'Invoke-ContainerImage'
        'Enter-Container'
        'Get-ContainerProcess'
        'Invoke-ContainerCommand'
        'Get-ContainerStatistics'
        'Update-Container'
        'Get-ContainerNetwork'
        'New-ContainerNetwork'
        'Remove-ContainerNetwork'
        'Connect-ContainerNetwork'
        'Disconnect-ContainerNetwork'
        'Get-ContainerVolume'
        'New-ContainerVolume'
        'Remove-ContainerVolume'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('containers', 'docker', 'oci', 'linux')
            LicenseUri = 'https://www.apache.org/licenses/LICENSE-2.0'
        }
    }
}
