# Acceptance tests of the mount parameters of New-Container and Invoke-ContainerImage, as a user would run them.
BeforeAll {
    $script:ModulePath = "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1"
    Import-Module $ModulePath -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Session = Start-TestSession
    $script:Image = $Session.Registry.Image
    $script:HostDir = Join-Path ([IO.Path]::GetTempPath()) ("pester-vol-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $HostDir | Out-Null
    Set-Content -Path (Join-Path $HostDir 'from-host.txt') -Value 'host data'
}

AfterAll {
    Stop-TestSession $script:Session
    Remove-Item -Recurse -Force $script:HostDir -ErrorAction SilentlyContinue
}

Describe 'Mounts of New-Container and Invoke-ContainerImage' {
    It 'keeps data in a named volume from one container to the next (-Volume)' {
        Invoke-ContainerImage $Image -Remove -Network none -Volume pester-data:/data -- sh -c 'echo kept > /data/f'
        Invoke-ContainerImage $Image -Remove -Network none -Volume pester-data:/data -- sh -c 'cat /data/f' | Should -Be 'kept'
    }

    It 'bind-mounts a host directory both ways, and read-only refuses writes' {
        Invoke-ContainerImage $Image -Remove -Network none -Volume "${HostDir}:/src" -- sh -c 'cat /src/from-host.txt; echo back > /src/from-container.txt' |
            Should -Be 'host data'
        Get-Content (Join-Path $HostDir 'from-container.txt') | Should -Be 'back'
        $output = Invoke-ContainerImage $Image -Remove -Network none -Volume "${HostDir}:/src:ro" -- sh -c '(echo x > /src/refused.txt) 2>&1; echo exit=$?'
        ($output -join "`n") | Should -Match 'Read-only file system[\s\S]*exit=1'
        Test-Path (Join-Path $HostDir 'refused.txt') | Should -BeFalse
    }

    It 'takes --mount as hashtables' {
        $mount = @{ Type = 'bind'; Source = $HostDir; Target = '/ro'; ReadOnly = $true }
        Invoke-ContainerImage $Image -Remove -Network none -Mount $mount -- sh -c 'grep " /ro " /proc/mounts' | Should -Match '\sro[,\s]'
    }

    It 'mounts a tmpfs with its options (-Tmpfs)' {
        Invoke-ContainerImage $Image -Remove -Network none -Tmpfs '/scratch:size=8m' -- sh -c 'grep " /scratch " /proc/mounts' |
            Should -Match 'tmpfs /scratch tmpfs .*size=8192k'
    }

    It 'reports a --mount bind source that does not exist with the engine message' {
        $mount = @{ Type = 'bind'; Source = '/no/such/pester/dir'; Target = '/x' }
        { New-Container $Image -Mount $mount -ErrorAction Stop } | Should -Throw '*bind source path does not exist*'
    }
}
