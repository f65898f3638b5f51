#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and packages Containers.
.DESCRIPTION
    For people who have pwsh. It runs the same commands as the README:
    Build   - dotnet build of the solution (lays out artifacts/module/Containers)
    Test    - tests/run.sh, the README's test command (installs test packages, builds, runs every test)
    Package - publishes the engine to artifacts/engine and zips the module to artifacts/Containers-<version>.zip
.EXAMPLE
    ./build.ps1 -Task Build, Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Native([string] $Command, [string[]] $Arguments) {
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' {
            Invoke-Native dotnet @('build', 'Containers.sln', '-c', $Configuration)
        }
        'Test' {
            Invoke-Native bash @('tests/run.sh')
        }
        'Package' {
            Invoke-Native dotnet @('publish', 'src/Containers.Engine', '-c', $Configuration, '-o', 'artifacts/engine')
            Invoke-Native dotnet @('build', 'src/Containers.PowerShell', '-c', $Configuration)
            $version = (Import-PowerShellDataFile ./Containers.psd1).ModuleVersion
            Compress-Archive -Path artifacts/module/Containers -DestinationPath "artifacts/Containers-$version.zip" -Force
            Write-Host "engine: artifacts/engine/containers-engine; module: artifacts/Containers-$version.zip"
        }
    }
}
