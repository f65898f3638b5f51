# Acceptance tests of the cmdlets that look into running containers (processes), as a user would run them against
# real containers.
BeforeAll {
    $script:ModulePath = "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1"
    Import-Module $ModulePath -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Session = Start-TestSession
    $script:Engine = $Session.Engine
    $script:Registry = $Session.Registry
    New-Container $Registry.Image -Name ins-web -NetworkMode none -- sh -c 'sleep 1000 & while true; do sleep 1; done' | Start-Container
    New-Container $Registry.Image -Name ins-created -NetworkMode none -- true | Out-Null
}

AfterAll {
    Stop-TestSession $script:Session
}

Describe 'Get-ContainerProcess' {
    It 'lists the processes of a running container with host PIDs' {
        $processes = Get-ContainerProcess ins-web
        $processes | Should -BeOfType ([Containers.PowerShell.Types.ContainerProcess])
        $processes.Container | Select-Object -Unique | Should -Be 'ins-web'
        $sleeper = $processes | Where-Object Command -eq 'sleep 1000'
        $sleeper | Should -HaveCount 1
        $sleeper.User | Should -Be 'root'
        # The table view, grouped by container, as docker top prints it.
        ($processes | Out-String) | Should -Match 'Container: ins-web[\s\S]*User\s+PID\s+PPID\s+CpuTime\s+Command'
        # A host PID: the process is visible in the host's /proc with that command line.
        (Get-Content "/proc/$($sleeper.ProcessId)/cmdline" -Raw) -replace "`0", ' ' | Should -BeLike 'sleep 1000*'
    }

    It 'takes containers from the pipeline and passes -PsArgs to ps' {
        $processes = Get-Container ins-web | Get-ContainerProcess -PsArgs '-o pid,comm'
        $processes[0].Columns.Keys | Should -Be @('PID', 'COMMAND')
        $processes.Columns.COMMAND | Should -Contain 'sleep'
    }

    It 'reports a container that is not running as an error for that container only' {
        $processes = Get-ContainerProcess ins-created, ins-web -ErrorVariable failures -ErrorAction SilentlyContinue
        $processes.Container | Select-Object -Unique | Should -Be 'ins-web'
        $failures | Should -HaveCount 1
        $failures[0].Exception.Message | Should -BeLike '*is not running*'
    }
}
