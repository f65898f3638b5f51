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

Describe 'New-ContainerVolume and Get-ContainerVolume' {
    AfterEach {
        Remove-Container 'pvol-ctr-*' -Force -Confirm:$false -ErrorAction SilentlyContinue
        Get-ContainerVolume 'pvol-*' | Remove-ContainerVolume -Confirm:$false
    }

    It 'creates a named volume with labels and driver options and writes it' {
        $volume = New-ContainerVolume pvol-a -Label env=test, tier=db -Option @{ type = 'tmpfs'; device = 'tmpfs'; o = 'size=8m' }
        $volume | Should -BeOfType ([Containers.Api.Volume])
        $volume.Name | Should -Be 'pvol-a'
        $volume.Driver | Should -Be 'local'
        $volume.Labels['env'] | Should -Be 'test'
        $volume.Labels['tier'] | Should -Be 'db'
        $volume.Options['o'] | Should -Be 'size=8m'
        $volume.Mountpoint | Should -Not -BeNullOrEmpty
        $again = Get-ContainerVolume pvol-a
        $again.Labels['env'] | Should -Be 'test'
        $again.Options['type'] | Should -Be 'tmpfs'
    }

    It 'takes labels as a hashtable too' {
        (New-ContainerVolume pvol-b -Label @{ suite = 'pester' }).Labels['suite'] | Should -Be 'pester'
    }

    It 'creates an anonymous volume without a name' {
        $volume = New-ContainerVolume
        try {
            $volume.Name | Should -Match '^[0-9a-f]{64}$'
            $volume.Labels.Keys | Should -Contain 'com.docker.volume.anonymous'
            (Get-ContainerVolume $volume.Name).Name | Should -Be $volume.Name
        }
        finally {
            Remove-ContainerVolume $volume.Name -Confirm:$false
        }
    }

    It 'lists volumes with wildcards, as a table like docker volume ls and in detail as a list' {
        New-ContainerVolume pvol-c | Out-Null
        New-ContainerVolume pvol-d -Label env=list | Out-Null
        (Get-ContainerVolume 'pvol-*').Name | Sort-Object | Should -Be @('pvol-c', 'pvol-d')
        (Get-ContainerVolume 'PVOL-C*').Name | Should -Be 'pvol-c'
        (Get-ContainerVolume).Name | Should -Contain 'pvol-c'
        $table = Get-ContainerVolume pvol-c | Out-String
        $table | Should -Match 'Driver\s+Name'
        $table | Should -Match 'local\s+pvol-c'
        $list = Get-ContainerVolume pvol-d | Format-List | Out-String
        $list | Should -Match "Mountpoint\s+: $([regex]::Escape((Get-ContainerVolume pvol-d).Mountpoint))"
        $list | Should -Match 'Labels\s+: env=list'
    }

    It 'keeps the volumes no container uses with -Dangling, the used ones with -Dangling:$false, and filters by label' {
        New-ContainerVolume pvol-free -Label env=filter | Out-Null
        New-ContainerVolume pvol-used -Label env=filter | Out-Null
        New-Container $Image -Name pvol-ctr-user -Network none -Volume pvol-used:/data | Out-Null
        (Get-ContainerVolume 'pvol-*' -Dangling).Name | Should -Be 'pvol-free'
        (Get-ContainerVolume 'pvol-*' -Dangling:$false).Name | Should -Be 'pvol-used'
        Get-ContainerVolume pvol-used -Dangling | Should -BeNullOrEmpty
        (Get-ContainerVolume -Label env=filter).Name | Sort-Object | Should -Be @('pvol-free', 'pvol-used')
        (Get-ContainerVolume -Label env=filter -Dangling).Name | Should -Be 'pvol-free'
    }

    It 'reports an unknown name as VolumeNotFound and still lists the others' {
        New-ContainerVolume pvol-e | Out-Null
        $found = Get-ContainerVolume no-such-volume, pvol-e -ErrorVariable failures -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'pvol-e'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'VolumeNotFound*'
        $failures[0].Exception.Message | Should -BeLike '*no such volume*'
        Get-ContainerVolume 'no-such-*' -ErrorVariable none -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $none | Should -BeNullOrEmpty
    }

    It 'does not create with -WhatIf' {
        New-ContainerVolume pvol-f -WhatIf
        Get-ContainerVolume pvol-f -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'completes volume names' {
        New-ContainerVolume pvol-complete | Out-Null
        $line = 'Remove-ContainerVolume pvol-comp'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'pvol-complete'
    }
}

Describe 'Remove-ContainerVolume' {
    AfterEach {
        Remove-Container 'prm-ctr-*' -Force -Confirm:$false -ErrorAction SilentlyContinue
        Get-ContainerVolume 'prm-*' | Remove-ContainerVolume -Confirm:$false
    }

    It 'removes volumes from the pipeline, keeps them with -WhatIf, and writes them with -PassThru' {
        New-ContainerVolume prm-a | Out-Null
        New-ContainerVolume prm-b | Out-Null
        Get-ContainerVolume 'prm-*' | Remove-ContainerVolume -WhatIf
        (Get-ContainerVolume 'prm-*').Count | Should -Be 2
        $removed = Get-ContainerVolume 'prm-*' | Remove-ContainerVolume -Confirm:$false -PassThru
        $removed | Should -BeOfType ([Containers.Api.Volume])
        $removed.Name | Sort-Object | Should -Be @('prm-a', 'prm-b')
        Get-ContainerVolume 'prm-*' | Should -BeNullOrEmpty
    }

    It 'removes by name with wildcards and reports an unknown name' {
        New-ContainerVolume prm-c | Out-Null
        New-ContainerVolume prm-d | Out-Null
        Remove-ContainerVolume 'prm-*', no-such-volume -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        Get-ContainerVolume 'prm-*' | Should -BeNullOrEmpty
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'VolumeNotFound*'
    }

    It 'takes a volume that is not there as removed with -Force, as docker volume rm -f' {
        New-ContainerVolume prm-e | Out-Null
        Remove-ContainerVolume prm-e, no-such-volume -Force -Confirm:$false -ErrorVariable failures
        $failures | Should -BeNullOrEmpty
        Get-ContainerVolume 'prm-*' | Should -BeNullOrEmpty
    }

    It 'does not remove a volume a container uses, and still removes the others' {
        New-ContainerVolume prm-used | Out-Null
        New-ContainerVolume prm-free | Out-Null
        $container = New-Container $Image -Name prm-ctr-user -Network none -Volume prm-used:/data
        Remove-ContainerVolume prm-used, prm-free -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'VolumeInUse*'
        $failures[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $failures[0].Exception.Message | Should -BeLike "*volume is in use*$($container.Id)*"
        (Get-ContainerVolume 'prm-*').Name | Should -Be 'prm-used'
    }

    It 'removes the unused anonymous volumes with -Unused, and every unused one with -All' {
        New-ContainerVolume prm-named | Out-Null
        New-ContainerVolume prm-named-used | Out-Null
        $anonymous = New-ContainerVolume
        $anonymousUsed = New-ContainerVolume
        New-Container $Image -Name prm-ctr-a -Network none -Volume "prm-named-used:/a", "$($anonymousUsed.Name):/b" | Out-Null

        Remove-ContainerVolume -Unused -WhatIf
        (Get-ContainerVolume $anonymous.Name).Name | Should -Be $anonymous.Name

        $pruned = Remove-ContainerVolume -Unused -Confirm:$false -PassThru
        $pruned.Name | Should -Contain $anonymous.Name
        $pruned.Name | Should -Not -Contain 'prm-named'
        Get-ContainerVolume $anonymous.Name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-ContainerVolume 'prm-*').Name | Sort-Object | Should -Be @('prm-named', 'prm-named-used')
        (Get-ContainerVolume $anonymousUsed.Name).Name | Should -Be $anonymousUsed.Name

        $pruned = Remove-ContainerVolume -Unused -All -Confirm:$false -PassThru
        $pruned.Name | Should -Contain 'prm-named'
        (Get-ContainerVolume 'prm-*').Name | Should -Be 'prm-named-used'
        (Get-ContainerVolume $anonymousUsed.Name).Name | Should -Be $anonymousUsed.Name

        Remove-Container prm-ctr-a -Force -Confirm:$false
        Remove-ContainerVolume $anonymousUsed.Name -Confirm:$false
    }
}
