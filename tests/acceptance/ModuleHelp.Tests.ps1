# The module as a user first meets it: it imports cleanly, exports what it defines, every cmdlet has full help,
# about_Containers is there, Tab completes names from the engine, and containers show as docker ps shows them.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1" -Force
    # Every cmdlet the module exports, so a new cmdlet gets these help tests without touching this file.
    $script:Cmdlets = Get-Command -Module Containers -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } }
}

BeforeAll {
    $script:Manifest = (Resolve-Path "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1").Path
    Import-Module $Manifest -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
}

Describe 'Import-Module Containers' {
    It 'imports in a fresh pwsh without errors or warnings' {
        # A background job is a fresh pwsh process. Every stream is merged into the output: an unapproved verb warning
        # or a bad format file would show here.
        $output = Start-Job { Import-Module $using:Manifest *>&1; if (-not (Get-Module Containers)) { 'not imported' } } |
            Receive-Job -Wait -AutoRemoveJob
        $output | Should -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets its assembly defines' {
        $defined = [Containers.PowerShell.Base.ContainersCmdlet].Assembly.GetTypes() |
            Where-Object { $_.IsPublic -and -not $_.IsAbstract -and $_.IsSubclassOf([System.Management.Automation.Cmdlet]) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        $defined | Should -Not -BeNullOrEmpty
        @((Get-Module Containers).ExportedCmdlets.Keys | Sort-Object) | Should -Be @($defined | Sort-Object)
        @((Get-Command -Module Containers).Name | Sort-Object) | Should -Be @($defined | Sort-Object)
    }
}

Describe 'Get-Help <Name> -Full' -ForEach $Cmdlets {
    BeforeAll {
        $script:Help = Get-Help $Name -Full
    }

    It 'has a synopsis and a description from the module help' {
        # Without help, PowerShell makes the synopsis up from the syntax ("Name [[-Param] <type>] ...").
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
        ($Help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $parameters = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters }
        foreach ($parameter in $parameters) {
            $entry = $Help.parameters.parameter | Where-Object name -eq $parameter
            $entry | Should -Not -BeNullOrEmpty -Because "-$parameter is a parameter of $Name"
            ($entry.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($Help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty
            ($example.remarks.Text -join '').Trim() | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'about_Containers' {
    It 'is found by Get-Help and explains connecting and the pipeline' {
        $text = Get-Help about_Containers | Out-String
        $text | Should -Match 'CONTAINERS_HOST'
        $text | Should -Match 'Connect-ContainerEngine'
        $text | Should -Match 'Remove-Container'
    }
}

Describe 'With an engine' {
    BeforeAll {
        $script:Engine = Start-TestEngine
        $script:Registry = Start-TestRegistry
        Connect-ContainerEngine -Uri $Engine.Uri | Out-Null
        Invoke-ImagePull $Registry.Image | Out-Null
        $script:Created = New-Container $Registry.Image -Name pester-help-one -Label @{ suite = 'help' } -NetworkMode none -- sh -c 'echo hi'
        $null = New-Container $Registry.Image -Name other-help -NetworkMode none true

        function Complete([string] $line) {
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        }
    }

    AfterAll {
        Stop-TestEngine $script:Engine
        Stop-TestRegistry $script:Registry
    }

    It 'completes container names for -Name and short IDs for -Id' {
        $completions = Complete 'Remove-Container -Name pester-he'
        $completions | Should -Contain 'pester-help-one'
        $completions | Should -Not -Contain 'other-help'
        Complete "Remove-Container -Id $($Created.Id.Substring(0, 4))" | Should -Contain $Created.Id.Substring(0, 12)
    }

    It 'completes image references for <_>' -ForEach 'Invoke-ImagePull', 'Remove-ContainerImage -Image', 'Get-ContainerImage -Name',
        'Add-ContainerImageTag -Source', 'New-Container -Image' {
        Complete "$_ $($Registry.Image.Substring(0, 9))" | Should -Contain $Registry.Image
    }

    It 'shows containers as docker ps does' {
        $table = Get-Container -All | Format-Table | Out-String -Width 250
        foreach ($header in 'ContainerId', 'Image', 'Command', 'Created', 'Status', 'Name') { $table | Should -Match "\b$header\b" }
        $table | Should -Match ([regex]::Escape($Created.Id.Substring(0, 12)))
        $table | Should -Match 'ago'
        $Created.RunningFor | Should -Match ' ago$'
        $Created.ShortId | Should -Be $Created.Id.Substring(0, 12)
    }

    It 'shows one container in detail as a list' {
        $list = Get-Container pester-help-one | Format-List | Out-String
        $list | Should -Match "Id\s+: $($Created.Id)"
        $list | Should -Match 'Labels\s+: suite=help'
    }

    It 'shows images as docker images does' {
        $table = Get-ContainerImage | Format-Table | Out-String -Width 250
        foreach ($header in 'Repository', 'Tag', 'ImageId', 'Created', 'Size') { $table | Should -Match "\b$header\b" }
        (Get-ContainerImage)[0].CreatedSince | Should -Match ' ago$'
    }
}

Describe 'Log lines' {
    It 'show their time, stream and line as a table' {
        $line = [Containers.Client.ContainerLogLine]::new('Stderr', 'it broke')
        $line.Timestamp = [DateTimeOffset]::new(2026, 12, 5, 10, 30, 0, [TimeSpan]::Zero)
        $table = $line | Format-Table | Out-String -Width 250
        $table | Should -Match 'Timestamp\s+Stream\s+Line'
        $table | Should -Match ([regex]::Escape($line.Timestamp.LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss.fff')) + '\s+Stderr\s+it broke')
    }
}
