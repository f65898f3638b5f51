# Acceptance tests of the lifecycle cmdlets (start, stop, restart, pause, resume, wait, rename, remove), as a user
# would run them against real containers. Every test checks something the cmdlet itself writes (output, a verbose
# message or an error), so a Write* off the pipeline thread would fail it.
BeforeAll {
    $script:ModulePath = "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1"
    Import-Module $ModulePath -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Session = Start-TestSession
    $script:Engine = $Session.Engine
    $script:Registry = $Session.Registry

    # A container that runs until it is stopped.
    function New-Sleeper([string] $Name) {
        New-Container $Registry.Image -Name $Name -NetworkMode none -- sh -c 'while true; do sleep 1; done'
    }
}

AfterAll {
    Stop-TestSession $script:Session
}

Describe 'Start-Container' {
    It 'starts what New-Container sends down the pipeline' {
        New-Sleeper lc-start | Start-Container
        (Get-Container lc-start).State | Should -Be 'running'
    }

    It 'writes the started container with -PassThru' {
        $started = New-Sleeper lc-passthru | Start-Container -PassThru
        $started | Should -BeOfType ([Containers.Client.Container])
        $started.Name | Should -Be 'lc-passthru'
        $started.State | Should -Be 'running'
    }

    It 'treats starting a running container as no error and says so in a verbose message' {
        $verbose = Start-Container lc-start -Verbose -ErrorVariable failures 4>&1
        $failures | Should -BeNullOrEmpty
        $verbose.Message | Should -Contain 'Container lc-start is already running.'
        (Get-Container lc-start).State | Should -Be 'running'
    }
}

Describe 'Start-Container -Attach' {
    It 'writes the output and leaves the exit code in $LASTEXITCODE with -Attach' {
        $output = New-Container $Registry.Image -Name lc-attach -NetworkMode none -- sh -c 'echo one; echo two; exit 3' |
            Start-Container -Attach
        $output | Should -Be @('one', 'two')
        $LASTEXITCODE | Should -Be 3
        (Get-Container lc-attach -All).State | Should -Be 'exited'
    }
}

Describe 'Stop-Container' {
    BeforeAll {
        # Ignores SIGTERM: only the SIGKILL after the timeout stops it.
        foreach ($name in 'web1', 'web2') {
            New-Container $Registry.Image -Name $name -NetworkMode none -- sh -c 'trap "" TERM; while true; do sleep 1; done' | Start-Container
        }
    }

    It 'changes nothing with -WhatIf' {
        Stop-Container web1 -WhatIf
        (Get-Container web1).State | Should -Be 'running'
    }

    It 'kills what Get-Container sends when it ignores SIGTERM for longer than -Timeout' {
        $elapsed = Measure-Command { Get-Container -Name 'web*' | Stop-Container -Timeout 1 }
        $elapsed.TotalSeconds | Should -BeLessThan 6
        (Get-Container -Name 'web*' -All).State | Should -Be @('exited', 'exited')
    }

    It 'writes the stopped container with -PassThru' {
        $stopped = Stop-Container lc-passthru -Timeout 0 -PassThru
        $stopped.Name | Should -Be 'lc-passthru'
        $stopped.State | Should -Be 'exited'
    }
}

Describe 'Restart-Container' {
    It 'stops and starts a running container again' {
        New-Sleeper lc-restart | Start-Container
        $startedAt = { docker -H $Engine.Uri inspect --format '{{.State.StartedAt}}' lc-restart }
        $before = & $startedAt
        $restarted = Restart-Container lc-restart -Timeout 0 -PassThru
        $restarted.State | Should -Be 'running'
        & $startedAt | Should -Not -Be $before
    }

    It 'starts a container that had exited' {
        (Get-Container lc-passthru -All).State | Should -Be 'exited'
        (Get-Container lc-passthru | Restart-Container -PassThru).State | Should -Be 'running'
    }
}

Describe 'Suspend-Container and Resume-Container' {
    BeforeAll { New-Sleeper lc-pause | Start-Container }

    It 'pauses a running container' {
        (Suspend-Container lc-pause -PassThru).State | Should -Be 'paused'
        (Get-Container lc-pause).State | Should -Be 'paused'
    }

    It 'resumes it' {
        (Get-Container lc-pause | Resume-Container -PassThru).State | Should -Be 'running'
        (Get-Container lc-pause).State | Should -Be 'running'
    }

    It 'reports resuming a container that is not paused as an invalid operation' {
        Resume-Container lc-pause -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerConflict,*'
    }
}

Describe 'Wait-Container' {
    It 'returns the exit status of a container run to completion' {
        $status = New-Container $Registry.Image -Name lc-exit3 -NetworkMode none -- sh -c 'exit 3' | Start-Container -PassThru | Wait-Container
        $status | Should -BeOfType ([Containers.PowerShell.Types.ContainerExitStatus])
        $status.Name | Should -Be 'lc-exit3'
        $status.ExitCode | Should -Be 3
        $status.Id | Should -Be (Get-Container lc-exit3 -All).Id
    }

    It 'returns one status per container, in the order given' {
        $statuses = Wait-Container lc-exit3, web1
        $statuses.Name | Should -Be @('lc-exit3', 'web1')
        $statuses.ExitCode | Should -Be @(3, 137)
    }

    It 'waits for the next exit with -Condition NextExit' {
        New-Container $Registry.Image -Name lc-next -NetworkMode none -- sh -c 'sleep 1; exit 5' | Out-Null
        # The container has not run yet: not-running would return at once, next-exit waits for the run that follows.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModulePath'; Connect-ContainerEngine -Uri '$($Engine.Uri)' | Out-Null; Wait-Container lc-next -Condition NextExit")
        $async = $ps.BeginInvoke()
        Start-Sleep -Seconds 1
        $async.IsCompleted | Should -BeFalse
        Start-Container lc-next
        $result = $ps.EndInvoke($async)
        $ps.Dispose()
        $result.ExitCode | Should -Be 5
    }

    It 'ends on Ctrl+C (the pipeline is stopped) and leaves the container running' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModulePath'; Connect-ContainerEngine -Uri '$($Engine.Uri)' | Out-Null; Wait-Container lc-start")
        $async = $ps.BeginInvoke()
        Start-Sleep -Seconds 2
        $async.IsCompleted | Should -BeFalse
        $elapsed = Measure-Command { $ps.Stop() }
        $elapsed.TotalSeconds | Should -BeLessThan 5
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        (Get-Container lc-start).State | Should -Be 'running'
    }
}

Describe 'Rename-Container' {
    BeforeAll { New-Sleeper lc-old | Out-Null; New-Sleeper lc-other | Out-Null }

    It 'renames by name and new name, positionally' {
        Rename-Container lc-old lc-new
        (Get-Container lc-new -All).Name | Should -Be 'lc-new'
    }

    It 'renames a container from the pipeline and writes it with -PassThru' {
        $renamed = Get-Container lc-new -All | Rename-Container -NewName lc-newer -PassThru
        $renamed.Name | Should -Be 'lc-newer'
        $renamed.Id | Should -Be (Get-Container lc-newer -All).Id
    }

    It 'refuses a wildcard that matches more than one container' {
        Rename-Container 'lc-ne*', 'lc-oth*' lc-both -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerAmbiguous,*'
        $failures[0].Exception.Message | Should -BeLike '*matches more than one container*'
        Get-Container lc-both -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports a wildcard that matches nothing as not found' {
        Rename-Container 'no-such-*' lc-none -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Remove-Container' {
    It 'removes the exited containers Get-Container sends through Where-Object' {
        (Get-Container -All | Where-Object State -eq exited) | Should -Not -BeNullOrEmpty
        Get-Container -All | Where-Object State -eq exited | Remove-Container -Confirm:$false
        Get-Container -All | Where-Object State -eq exited | Should -BeNullOrEmpty
        (Get-Container lc-start).State | Should -Be 'running'
    }

    It 'changes nothing with -WhatIf' {
        Remove-Container lc-start -Force -WhatIf
        (Get-Container lc-start).State | Should -Be 'running'
    }

    It 'refuses a running container without -Force and removes it with -Force' {
        Remove-Container lc-start -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerConflict,*'
        Remove-Container lc-start -Force -Confirm:$false
        Get-Container lc-start -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Selecting a container that does not exist' {
    It 'is a non-terminating ContainerNotFound error for <Command>' -ForEach @(
        @{ Command = 'Start-Container' }, @{ Command = 'Stop-Container' }, @{ Command = 'Restart-Container' },
        @{ Command = 'Suspend-Container' }, @{ Command = 'Resume-Container' }, @{ Command = 'Wait-Container' },
        @{ Command = 'Remove-Container' }
    ) {
        # Wait-Container changes nothing, so it has no -Confirm.
        $confirm = if ($Command -ne 'Wait-Container') { @{ Confirm = $false } } else { @{} }
        $written = & $Command no-such-container @confirm -ErrorVariable failures -ErrorAction SilentlyContinue
        $written | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'no-such-container'
    }

    It 'goes on with the other containers' {
        New-Container $Registry.Image -Name lc-done -NetworkMode none -- sh -c 'exit 0' | Start-Container
        $statuses = Wait-Container no-such-container, lc-done -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $statuses.Name | Should -Be 'lc-done'
    }

    It 'is a terminating error with -ErrorAction Stop' {
        $thrown = { Stop-Container no-such-container -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $thrown.Exception.Message | Should -BeLike '*no-such-container*'
    }

    It 'writes no error for a wildcard that matches nothing' {
        Stop-Container 'no-such-*' -ErrorVariable failures
        Remove-Container 'no-such-*' -Confirm:$false -ErrorVariable +failures
        $failures | Should -BeNullOrEmpty
    }
}
