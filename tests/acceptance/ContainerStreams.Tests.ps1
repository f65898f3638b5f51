# Acceptance tests of the streaming cmdlets (Get-ContainerLog, Invoke-ContainerImage, Enter-Container), as a user would run them.
BeforeAll {
    Import-Module "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1" -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Session = Start-TestSession
    $script:Engine = $Session.Engine
    $script:Registry = $Session.Registry
    $script:Image = $Registry.Image
}

AfterAll {
    Get-Container -All | Remove-Container -Force -Confirm:$false -ErrorAction SilentlyContinue
    Stop-TestSession $script:Session
}

Describe 'Invoke-ContainerImage' {
    It 'writes stdout as strings, shows stderr apart, and leaves the exit code in $LASTEXITCODE' {
        $out = Invoke-ContainerImage $Image -Name run-kept -NetworkMode none -InformationVariable info -- sh -c 'echo hi; echo oops >&2; exit 3'
        $out | Should -Be 'hi'
        $LASTEXITCODE | Should -Be 3
        ($info | Where-Object Tags -Contains stderr).MessageData.Message | Should -Be 'oops'
        (Get-Container -All -Name run-kept).State | Should -Be 'exited'
    }

    It 'removes the container afterwards with -Remove' {
        Invoke-ContainerImage $Image -Name run-removed -Remove -NetworkMode none -- sh -c 'echo bye' | Should -Be 'bye'
        $LASTEXITCODE | Should -Be 0
        Get-Container -All -Name run-removed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'writes objects per line with -AsObject' {
        $lines = Invoke-ContainerImage $Image -Remove -NetworkMode none -AsObject -- sh -c 'echo out; echo err >&2'
        ($lines | Where-Object Stream -eq Stdout).Line | Should -Be 'out'
        ($lines | Where-Object Stream -eq Stderr).Line | Should -Be 'err'
    }

    It 'stops early and still removes the container when Select-Object has enough' {
        $first = Invoke-ContainerImage $Image -Name run-endless -Remove -NetworkMode none -- sh -c 'while true; do echo tick; sleep 0.1; done' |
            Select-Object -First 2
        $first | Should -Be @('tick', 'tick')
        Get-Container -All -Name run-endless -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'makes a non-zero exit code an error under $PSNativeCommandUseErrorActionPreference' {
        $PSNativeCommandUseErrorActionPreference = $true
        { Invoke-ContainerImage $Image -Remove -NetworkMode none -ErrorAction Stop -- sh -c 'exit 5' } | Should -Throw -ErrorId 'ContainerExitedWithError*'
        $LASTEXITCODE | Should -Be 5
    }

    It 'starts the container in the background with -Detach' {
        $c = Invoke-ContainerImage $Image -Name run-detached -Detach -NetworkMode none -- sh -c 'sleep 30'
        $c | Should -BeOfType ([Containers.Client.Container])
        $c.State | Should -Be 'running'
        Remove-Container run-detached -Force -Confirm:$false
    }

    It 'reports an image that does not exist as an error and creates nothing' {
        Invoke-ContainerImage no-such-image:1 -Name run-missing -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        Get-Container -All -Name run-missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Get-ContainerLog' {
    BeforeAll {
        Invoke-ContainerImage $Image -Name logs-done -NetworkMode none -InformationAction Ignore -- sh -c 'echo one; echo two; sleep 0.1; echo err >&2; sleep 0.1; echo three' | Out-Null
        # stdout and stderr are separate pipes: the sleeps fix the order the log records them in
    }

    It 'writes the stdout lines as strings and shows stderr apart' {
        $out = Get-ContainerLog logs-done -InformationVariable info
        $out | Should -Be @('one', 'two', 'three')
        "$($info.MessageData)" | Should -Be 'err'
    }

    It 'writes every line as an object with Stream, Timestamp and Line with -AsObject' {
        $lines = Get-ContainerLog logs-done -AsObject
        $lines.Line | Should -Be @('one', 'two', 'err', 'three')
        $lines.Stream | Should -Be @('Stdout', 'Stdout', 'Stderr', 'Stdout')
        $lines[0].Timestamp | Should -BeOfType ([DateTimeOffset])
        ((Get-Date) - $lines[0].Timestamp.LocalDateTime).TotalMinutes | Should -BeLessThan 5
        (Get-ContainerLog logs-done -AsObject -Stream Stderr).Line | Should -Be 'err'
    }

    It 'gives the last lines with -Tail, timestamps with -Timestamps, and a time window with -Since' {
        Get-ContainerLog logs-done -Tail 1 | Should -Be 'three'
        Get-ContainerLog logs-done -Tail 1 -Timestamps | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z three$'
        Get-ContainerLog logs-done -Since (Get-Date).AddMinutes(10) | Should -BeNullOrEmpty
        Get-ContainerLog logs-done -Since (Get-Date).AddMinutes(-10) -Stream Stdout | Should -HaveCount 3
    }

    It 'follows a running container until it stops' {
        Invoke-ContainerImage $Image -Name logs-short -Detach -NetworkMode none -- sh -c 'echo a; sleep 1; echo b' | Out-Null
        Get-ContainerLog logs-short -Follow | Should -Be @('a', 'b')
    }

    It 'ends cleanly and promptly when Select-Object -First has its lines' {
        Invoke-ContainerImage $Image -Name web -Detach -NetworkMode none -- sh -c 'i=0; while true; do i=$((i+1)); echo line$i; sleep 0.2; done' | Out-Null
        $errorsBefore = $Error.Count
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $lines = Get-ContainerLog web -Follow | Select-Object -First 3
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $lines | Should -Be @('line1', 'line2', 'line3')
        $Error.Count | Should -Be $errorsBefore
        # The engine still answers at once: the abandoned follow did not hold anything up.
        (Get-ContainerLog web -Tail 1) | Should -Match '^line\d+$'
    }

    It 'takes containers from the pipeline' {
        Get-Container -All -Name logs-done | Get-ContainerLog -Tail 2 | Should -Be @('three')
    }

    It 'reports a missing container as ContainerNotFound, terminating with -ErrorAction Stop' {
        Get-ContainerLog no-such-container -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        { Get-ContainerLog no-such-container -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotFound*'
    }
}

Describe 'Enter-Container' {
    BeforeAll {
        Import-Module "$PSScriptRoot/TestTerminal.psm1" -Force
        $script:Term = Start-TestTerminal $Engine.Uri enter
        function script:Send([string] $Text) { Send-TestTerminal $Term $Text }
        function script:Detach { Send-TestTerminal $Term -Keys C-p, C-q; Start-Sleep -Seconds 1 }
        function script:WaitScreen([string] $Pattern, [int] $Seconds = 30) { Wait-TestTerminal $Term $Pattern $Seconds }
    }

    AfterAll {
        Stop-TestTerminal $script:Term
    }

    It 'runs commands in the container''s shell and detaches with Ctrl+P Ctrl+Q, leaving it running' {
        Invoke-ContainerImage $Image -Name box -Tty -Interactive -Detach -NetworkMode none -- sh | Out-Null
        Send 'Enter-Container box'
        # Keys typed before the session is up may go to PowerShell: press Enter until the container's shell prompts.
        $tries = 0
        while ($true) {
            Start-Sleep -Milliseconds 500
            Send ''
            try { WaitScreen '(?m)^/ #' -Seconds 3; break } catch { if (++$tries -ge 10) { throw } }
        }
        Send 'echo $((6*7))'
        WaitScreen '(?m)^42\s*$'
        Detach
        Send "'back' + 'home'"
        WaitScreen '(?m)^backhome'
        (Get-Container box).State | Should -Be 'running'
    }

    It 'sizes the container''s terminal like the console' {
        Send-TestTerminal $Term -Keys C-l
        Send 'Enter-Container box'
        Start-Sleep -Seconds 2
        Send 'stty size'
        $size = Get-TestTerminalSize $Term
        WaitScreen "(?m)^$size\s*$"
        Detach
        Send "'out' + 'again'"
        WaitScreen '(?m)^outagain'
    }

    It 'refuses a container without a terminal' {
        Invoke-ContainerImage $Image -Name plain -Detach -NetworkMode none -- sh -c 'sleep 30' | Out-Null
        Enter-Container plain -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotInteractive*'
    }
}
