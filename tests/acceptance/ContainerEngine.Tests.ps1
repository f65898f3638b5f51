# Acceptance tests of the engine cmdlets, written as a user would use them at a pwsh prompt.
BeforeAll {
    Import-Module "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1" -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Engine = Start-TestEngine
}

AfterAll {
    Stop-TestEngine $script:Engine
}

Describe 'Connect-ContainerEngine' {
    It 'connects to an engine socket and reports its API version' {
        $connection = Connect-ContainerEngine -Uri $Engine.Uri
        $connection.ApiVersion | Should -Be '1.47'
        $connection.OSType | Should -Be 'linux'
    }

    It 'takes the address positionally' {
        (Connect-ContainerEngine $Engine.Uri).ApiVersion | Should -Be '1.47'
    }

    It 'fails clearly when no engine listens there' {
        { Connect-ContainerEngine -Uri 'unix:///tmp/no-engine-here.sock' -ErrorAction Stop } |
            Should -Throw '*cannot connect to the container engine at unix:///tmp/no-engine-here.sock*'
    }

    It 'refuses an address it cannot parse' {
        $err = { Connect-ContainerEngine -Uri 'ftp://example:21' -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike '*invalid engine address*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'needs all three certificate files for TLS' {
        { Connect-ContainerEngine -Uri 'tcp://127.0.0.1:2376' -CertificatePath ./cert.pem -ErrorAction Stop } |
            Should -Throw
    }

    It 'keeps the previous engine when a connection fails' {
        Connect-ContainerEngine -Uri $Engine.Uri | Out-Null
        { Connect-ContainerEngine -Uri 'unix:///tmp/no-engine-here.sock' -ErrorAction Stop } | Should -Throw
        (Get-ContainerEngine).Endpoint | Should -Be $Engine.Uri
    }
}

Describe 'Get-ContainerEngine' {
    BeforeAll { Connect-ContainerEngine -Uri $Engine.Uri | Out-Null }

    It 'returns the engine as one typed object' {
        $engineInfo = Get-ContainerEngine
        $engineInfo | Should -BeOfType ([Containers.Client.EngineSummary])
        $engineInfo.ApiVersion | Should -Be '1.47'
        $engineInfo.MinApiVersion | Should -Be '1.24'
        $engineInfo.DataRoot | Should -Be $Engine.DataRoot
    }

    It 'works in a pipeline with Select-Object' {
        $selected = Get-ContainerEngine | Select-Object Version, Cpus, CgroupVersion
        $selected.Cpus | Should -Be ([Environment]::ProcessorCount)
        $selected.CgroupVersion | Should -BeIn @('1', '2')
    }

    It 'has a readable default view' {
        $text = Get-ContainerEngine | Out-String
        $text | Should -Match 'ApiVersion\s*:\s*1\.47'
        $text | Should -Match 'Memory\s*:\s*[0-9.,]+ GiB'
    }

    It 'exposes the full version and info documents for scripts' {
        $engineInfo = Get-ContainerEngine
        $engineInfo.VersionDetails.Components[0].Name | Should -Be 'Engine'
        $engineInfo.Info.OSType | Should -Be 'linux'
    }
}
