# Acceptance tests of the container cmdlets (create, list, rename, remove), as a user would run them.
BeforeAll {
    Import-Module "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1" -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Session = Start-TestSession
    $script:Engine = $Session.Engine
    $script:Registry = $Session.Registry
}

AfterAll {
    Stop-TestSession $script:Session
}

Describe 'New-Container and Get-Container' {
    It 'creates a typed container with the command, environment and labels given' {
        # '--' ends PowerShell's parameters: what follows is the container's command, '-c' included.
        $c = New-Container $Registry.Image -Name pester-web -Environment @{ MODE = 'test' } -Label @{ suite = 'pester' } -NetworkMode none -- sh -c 'echo hi'
        $c | Should -BeOfType ([Containers.Client.Container])
        $c.Name | Should -Be 'pester-web'
        $c.State | Should -Be 'created'
        $c.Command | Should -Be "sh -c 'echo hi'"
    }

    It 'lists only running containers unless -All, but finds a named one in any state' {
        (Get-Container).Name | Should -Not -Contain 'pester-web'
        (Get-Container -All).Name | Should -Contain 'pester-web'
        (Get-Container pester-web).State | Should -Be 'created'
        (Get-Container -Name 'pester-*' -All).Name | Should -Contain 'pester-web'
        (Get-Container -All -Label suite=pester).Name | Should -Contain 'pester-web'
        (Get-Container -All -Filter @{ status = 'created' }).Name | Should -Contain 'pester-web'
    }

    It 'writes the engine''s warnings as PowerShell warnings' {
        $null = New-Container $Registry.Image true -Name pester-warned -Network host -Publish 8080:80 -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -HaveCount 1
        $warned[0].Message | Should -Be 'Published ports are discarded when using host network mode'
    }

    It 'refuses an invalid setting with the engine message' {
        { New-Container $Registry.Image true -Memory 1MB -ErrorAction Stop } | Should -Throw '*Minimum memory limit allowed is 6MB*'
    }
}

Describe 'Rename-Container and Remove-Container' {
    It 'renames a container' {
        Rename-Container pester-warned pester-renamed
        (Get-Container -All -Name pester-renamed).Name | Should -Be 'pester-renamed'
    }

    It 'supports -WhatIf' {
        Get-Container -All -Name pester-renamed | Remove-Container -WhatIf
        Get-Container -All -Name pester-renamed | Should -Not -BeNullOrEmpty
    }

    It 'removes what Get-Container sends down the pipeline' {
        Get-Container -All -Label suite=pester | Remove-Container -Confirm:$false
        Get-Container -All -Label suite=pester | Should -BeNullOrEmpty
    }

    It 'reports a missing container per item and goes on' {
        Remove-Container no-such-container, pester-renamed -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-Container -All -Name pester-renamed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
