# Acceptance tests of Invoke-ContainerCommand (docker exec), as a user would run it against real containers.
BeforeAll {
    Import-Module "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1" -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    Import-Module "$PSScriptRoot/TestTerminal.psm1" -Force
    $script:Session = Start-TestSession
    $script:Image = $Session.Registry.Image
    Invoke-ContainerImage $Image -Name exec-web -Detach -NetworkMode none -Environment @{ FROM_IMAGE = 'kept' } -- sh -c 'while true; do sleep 1; done' | Out-Null
    New-Container $Image -Name exec-stopped -NetworkMode none -- sh -c true | Out-Null
    # The test image is busybox alone: sh runs its applets (mkdir, id...), but only sh is a file to exec.
    Invoke-ContainerCommand exec-web -- sh -c 'mkdir /tmp'
}

AfterAll {
    Get-Container -All | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Stop-TestSession $script:Session
}

Describe 'Invoke-ContainerCommand' {
    It 'writes stdout as strings and leaves the exit code in $LASTEXITCODE' {
        $out = Invoke-ContainerCommand exec-web -- sh -c 'echo hi; echo there; exit 3'
        $out | Should -Be @('hi', 'there')
        $LASTEXITCODE | Should -Be 3
        Invoke-ContainerCommand exec-web -- sh -c true
        $LASTEXITCODE | Should -Be 0
        # A command that is not there: the engine's message on stdout, and 127 as docker exec exits with.
        Invoke-ContainerCommand exec-web no-such-command | Should -Match 'no-such-command'
        $LASTEXITCODE | Should -Be 127
    }

    It 'shows stderr apart: not captured, but in -InformationVariable tagged stderr; -AsObject gives both as objects' {
        $out = Invoke-ContainerCommand exec-web -InformationVariable info -- sh -c 'echo out; echo oops >&2'
        $out | Should -Be 'out'
        ($info | Where-Object Tags -Contains stderr).MessageData.Message | Should -Be 'oops'
        $lines = Invoke-ContainerCommand exec-web -AsObject -- sh -c 'echo out; echo err >&2'
        ($lines | Where-Object Stream -eq Stdout).Line | Should -Be 'out'
        ($lines | Where-Object Stream -eq Stderr).Line | Should -Be 'err'
    }

    It 'sets the environment (hashtable or NAME=value strings), working directory and user of the command' {
        Invoke-ContainerCommand exec-web -Environment @{ MODE = 'debug' } -WorkingDirectory /tmp -User 1234:99 -- sh -c 'echo $MODE $FROM_IMAGE; pwd; id -u; id -g' |
            Should -Be @('debug kept', '/tmp', '1234', '99')
        Invoke-ContainerCommand exec-web -Environment 'A=1', 'B=two' -- sh -c 'echo $A-$B' | Should -Be '1-two'
        # Without them: the container's own settings.
        Invoke-ContainerCommand exec-web -- sh -c 'pwd; id -u' | Should -Be @('/', '0')
    }

    It 'takes containers from the pipeline' {
        Get-Container -Name exec-web | Invoke-ContainerCommand -Command sh, -c, 'echo piped' | Should -Be 'piped'
    }

    It 'reports a missing container as ContainerNotFound' {
        Invoke-ContainerCommand no-such-container -ErrorVariable failures -ErrorAction SilentlyContinue -- sh -c true
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports a stopped container with the engine''s message as a non-terminating InvalidOperation error' {
        $out = Invoke-ContainerCommand exec-stopped, exec-web -ErrorVariable failures -ErrorAction SilentlyContinue -- sh -c 'echo still'
        $out | Should -Be 'still'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerConflict*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].Exception.Message | Should -Match 'is not running'
        { Invoke-ContainerCommand exec-stopped -ErrorAction Stop -- sh -c true } | Should -Throw -ErrorId 'ContainerConflict*'
    }

    It 'makes a non-zero exit code an error under $PSNativeCommandUseErrorActionPreference' {
        $PSNativeCommandUseErrorActionPreference = $true
        { Invoke-ContainerCommand exec-web -ErrorAction Stop -- sh -c 'exit 5' } | Should -Throw -ErrorId 'ContainerExitedWithError*'
        $LASTEXITCODE | Should -Be 5
    }

    It 'starts the command in the background with -Detach, writing nothing, or the exec ID with -PassThru' {
        # The command waits for a file only the next command makes: had -Detach waited for it, this would never return.
        Invoke-ContainerCommand exec-web -Detach -- sh -c 'while ! test -e /tmp/go; do sleep 0.1; done; touch /tmp/detached' | Should -BeNullOrEmpty
        Invoke-ContainerCommand exec-web -- sh -c 'touch /tmp/go; while ! test -e /tmp/detached; do sleep 0.1; done; echo done' | Should -Be 'done'
        $id = Invoke-ContainerCommand exec-web -Detach -PassThru -- sh -c 'exit 0'
        $id | Should -Match '^[0-9a-f]{64}$'
    }
}

Describe 'An interactive command (docker exec -it)' {
    BeforeAll {
        $script:Term = Start-TestTerminal $Session.Engine.Uri exec
    }

    AfterAll {
        Stop-TestTerminal $script:Term
    }

    It 'runs a shell in the console with Invoke-ContainerCommand -Interactive -Tty and leaves its exit code in $LASTEXITCODE' {
        Send-TestTerminal $Term 'Invoke-ContainerCommand exec-web -Interactive -Tty sh'
        Wait-TestTerminal $Term '(?m)^/ #'
        Send-TestTerminal $Term 'echo $((6*7))'
        Wait-TestTerminal $Term '(?m)^42\s*$'
        Send-TestTerminal $Term 'exit 4'
        # Typed only once PowerShell prompts again: keys typed before that go to the ending session.
        Wait-TestTerminal $Term '(?s)exit 4\s*\nPS [^\n]*>\s*$'
        Send-TestTerminal $Term '"code$LASTEXITCODE"'
        Wait-TestTerminal $Term '(?m)^code4\s*$'
    }

    It 'does the same with Enter-Container -Command, in the console''s size' {
        Send-TestTerminal $Term -Keys C-l
        Send-TestTerminal $Term 'Enter-Container exec-web sh'
        Wait-TestTerminal $Term '(?m)^/ #'
        Send-TestTerminal $Term 'stty size; exit 5'
        $size = Get-TestTerminalSize $Term
        Wait-TestTerminal $Term "(?m)^$size\s*$"
        Wait-TestTerminal $Term '(?s)exit 5\s*\n.*\nPS [^\n]*>\s*$'
        Send-TestTerminal $Term '"code$LASTEXITCODE"'
        Wait-TestTerminal $Term '(?m)^code5\s*$'
    }

    It 'refuses -Interactive without -Tty' {
        Invoke-ContainerCommand exec-web -Interactive sh -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InteractiveNeedsTty*'
    }
}
