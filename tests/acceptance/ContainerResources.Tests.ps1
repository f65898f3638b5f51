# Acceptance tests of the resource cmdlets (Get-ContainerStatistics: docker stats, Update-Container: docker update), as
# a user would run them against real containers.
BeforeAll {
    Import-Module "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1" -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Session = Start-TestSession
    $script:Image = $Session.Registry.Image
    # What docker itself says about a container, through the docker CLI against the test engine.
    function script:DockerInspect([string] $Container, [string] $Format) { & docker -H $Session.Engine.Uri inspect -f $Format $Container }
    New-Container $Image -Name res-limited -Memory 64MB -NetworkMode none -- sh -c 'while true; do sleep 1; done' | Start-Container
}

AfterAll {
    Get-Container -All | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Stop-TestSession $script:Session
}

Describe 'Get-ContainerStatistics' {
    It 'reports the memory limit set with New-Container -Memory, in a table like docker stats --no-stream' {
        $stats = Get-ContainerStatistics res-limited
        $stats | Should -BeOfType ([Containers.PowerShell.Types.ContainerStatistics])
        $stats.Container | Should -Be 'res-limited'
        $stats.MemoryLimit | Should -Be 64MB
        $stats.MemoryUsage | Should -BeGreaterThan 0
        $stats.MemoryUsage | Should -BeLessThan 64MB
        $stats.MemoryPercent | Should -Be ($stats.MemoryUsage * 100.0 / 64MB)
        $stats.Pids | Should -BeGreaterOrEqual 2
        ((Get-Date) - $stats.Read.LocalDateTime).TotalMinutes | Should -BeLessThan 5
        # The columns fit an 80-column console.
        $table = $stats | Out-String -Width 80
        $table | Should -Match 'Name\s+CPU %\s+MemUsage / Limit\s+Mem %\s+Net I/O\s+Block I/O\s+Pids'
        $table | Should -Match 'res-limited\s+\d+\.\d\d% +[\d.]+[KM]iB / 64MiB +\d+\.\d\d% +0B / 0B +'
    }

    It 'shows the CPU use of a busy container rise above an idle one''s' {
        $idle = (Get-ContainerStatistics res-limited).CpuPercent
        Invoke-ContainerCommand res-limited -Detach -- sh -c 'while true; do :; done'
        # A second sample is taken over the second the command spins: a busy loop uses far more than the idle container.
        $busy = (Get-ContainerStatistics res-limited).CpuPercent
        $busy | Should -BeGreaterThan 10
        $busy | Should -BeGreaterThan $idle
    }

    It 'lists every running container without a name, and takes containers from the pipeline' {
        Invoke-ContainerImage $Image -Name res-other -Detach -NetworkMode none -- sh -c 'while true; do sleep 1; done' | Out-Null
        New-Container $Image -Name res-created -NetworkMode none -- sh -c true | Out-Null
        (Get-ContainerStatistics).Container | Sort-Object | Should -Be @('res-limited', 'res-other')
        (Get-ContainerStatistics -All).Container | Should -Contain 'res-created'
        (Get-Container -Name res-other | Get-ContainerStatistics).Container | Should -Be 'res-other'
    }

    It 'streams a sample per container every second with -Stream and ends cleanly under Select-Object -First' {
        $errorsBefore = $Error.Count
        $samples = Get-ContainerStatistics res-limited, res-other -Stream | Select-Object -First 4
        $samples | Should -HaveCount 4
        $samples.Container | Sort-Object -Unique | Should -Be @('res-limited', 'res-other')
        $Error.Count | Should -Be $errorsBefore
        # The engine still answers at once: the abandoned streams held nothing up.
        (Get-ContainerStatistics res-other).Container | Should -Be 'res-other'
    }

    It 'reports a missing container as ContainerNotFound and the others still' {
        $stats = Get-ContainerStatistics no-such-container, res-other -ErrorVariable failures -ErrorAction SilentlyContinue
        $stats.Container | Should -Be 'res-other'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound*'
    }
}

Describe 'Update-Container' {
    It 'changes the memory limit of a running container at once' {
        Update-Container res-limited -Memory 32MB -MemorySwap 64MB
        (Get-ContainerStatistics res-limited).MemoryLimit | Should -Be 32MB
        DockerInspect res-limited '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' | Should -Be "$(32MB) $(64MB)"
    }

    It 'changes nothing with -WhatIf' {
        Update-Container res-limited -Memory 16MB -WhatIf
        DockerInspect res-limited '{{.HostConfig.Memory}}' | Should -Be "$(32MB)"
        (Get-ContainerStatistics res-limited).MemoryLimit | Should -Be 32MB
    }

    It 'sets CPUs, CPU shares, the PID limit and the restart policy, and writes the container with -PassThru' {
        $c = Get-Container -Name res-other | Update-Container -Cpus 0.5 -CpuShares 512 -PidsLimit 50 -RestartPolicy on-failure -MaximumRetryCount 3 -PassThru
        $c | Should -BeOfType ([Containers.Client.Container])
        $c.Name | Should -Be 'res-other'
        DockerInspect res-other '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' |
            Should -Be '500000000 512 50 on-failure 3'
    }

    It 'refuses a call without anything to change, and a retry count without on-failure' {
        { Update-Container res-other } | Should -Throw -ErrorId 'NothingToUpdate*'
        { Update-Container res-other -RestartPolicy always -MaximumRetryCount 2 } | Should -Throw -ErrorId 'RetryCountNeedsOnFailure*'
    }

    It 'reports a missing container as ContainerNotFound' {
        Update-Container no-such-container -Memory 32MB -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound*'
    }
}
