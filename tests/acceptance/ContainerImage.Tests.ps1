# Acceptance tests of the image cmdlets against a real loopback registry, as a user would run them.
BeforeAll {
    Import-Module "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1" -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Engine = Start-TestEngine
    $script:Registry = Start-TestRegistry
    Connect-ContainerEngine -Uri $Engine.Uri | Out-Null
}

AfterAll {
    Stop-TestEngine $script:Engine
    Stop-TestRegistry $script:Registry
}

Describe 'Invoke-ImagePull' {
    It 'pulls an image and returns it as a typed object' {
        $image = Invoke-ImagePull $Registry.Image
        $image | Should -BeOfType ([Containers.Api.ImageInspect])
        $image.RepoTags | Should -Contain $Registry.Image
        $image.Os | Should -Be 'linux'
    }

    It 'takes references from the pipeline' {
        $images = $Registry.Image, $Registry.Image | Invoke-ImagePull
        $images.Count | Should -Be 2
    }

    It 'reports a missing image as a non-terminating error' {
        $result = Invoke-ImagePull "$($Registry.Image -replace 'busybox:1.0', 'missing:1')" -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures[0].Exception.Message | Should -BeLike '*not found*'
    }

    It 'pulls in the background with -AsJob, with per-layer progress in the job' {
        $job = Invoke-ImagePull $Registry.Image -AsJob
        $job.PSJobTypeName | Should -Be 'ContainerImagePull'
        $job | Wait-Job -Timeout 60 | Out-Null
        $job.State | Should -Be 'Completed'
        $job.Progress.Activity | Should -Contain "Pulling $($Registry.Image)"
        ($job | Receive-Job).RepoTags | Should -Contain $Registry.Image
        $job | Remove-Job
    }

    Context 'a registry that accepts connections and never answers' {
        BeforeAll {
            $script:Silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $Silent.Start()
            $script:Hanging = "127.0.0.1:$($Silent.LocalEndpoint.Port)/test/hangs:1"
        }
        AfterAll { $Silent.Stop() }

        It 'stops a pull in flight on Ctrl+C (StopProcessing)' {
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1'; Connect-ContainerEngine -Uri '$($Engine.Uri)'; Invoke-ImagePull '$Hanging'")
            $running = $ps.BeginInvoke()
            Start-Sleep -Seconds 2
            $running.IsCompleted | Should -BeFalse
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
        }

        It 'stops a background pull with Stop-Job' {
            $job = Invoke-ImagePull $Hanging -AsJob
            Start-Sleep -Seconds 1
            $job.State | Should -Be 'Running'
            $job | Stop-Job
            $job.State | Should -Be 'Stopped'
            $job | Remove-Job
        }
    }
}

Describe 'Get-ContainerImage' {
    BeforeAll { Invoke-ImagePull $Registry.Image | Out-Null }

    It 'lists images with a docker images-like table' {
        $text = Get-ContainerImage | Out-String
        $text | Should -Match 'Repository\s+Tag\s+ImageId'
        $text | Should -Match 'test/busybox'
    }

    It 'filters by name with wildcards, with or without the tag' {
        (Get-ContainerImage -Name '*test/busy*').RepoTags | Should -Contain $Registry.Image
        (Get-ContainerImage -Name $Registry.Image).RepoTags | Should -Contain $Registry.Image
    }

    It 'finds an image by short ID' {
        $id = (Get-ContainerImage -Name $Registry.Image).Id
        (Get-ContainerImage -Id $id.Substring(7, 12)).Id | Should -Be $id
    }

    It 'writes an error for a name that matches nothing' {
        Get-ContainerImage -Name 'no-such-image' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Add-ContainerImageTag and Remove-ContainerImage' {
    BeforeAll { Invoke-ImagePull $Registry.Image | Out-Null }

    It 'tags an image and removes the tag again' {
        Add-ContainerImageTag -Source $Registry.Image -Target 'pester/copy:v1'
        Get-ContainerImage -Name 'pester/copy:v1' | Should -Not -BeNullOrEmpty
        Remove-ContainerImage 'pester/copy:v1' -Confirm:$false
        Get-ContainerImage -Name 'pester/copy:v1' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'supports -WhatIf' {
        Add-ContainerImageTag -Source $Registry.Image -Target 'pester/whatif:v1'
        Remove-ContainerImage 'pester/whatif:v1' -WhatIf
        Get-ContainerImage -Name 'pester/whatif:v1' | Should -Not -BeNullOrEmpty
    }

    It 'removes what Get-ContainerImage sends down the pipeline' {
        Add-ContainerImageTag -Source $Registry.Image -Target 'pester/piped:v1'
        Get-ContainerImage -Name 'pester/piped:v1' | Select-Object @{ n = 'Image'; e = { 'pester/piped:v1' } } | Remove-ContainerImage -Confirm:$false
        Get-ContainerImage -Name 'pester/piped:v1' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Selecting images' {
    BeforeAll { Invoke-ImagePull $Registry.Image | Out-Null }

    It 'removes the ImageSummary objects Get-ContainerImage sends' {
        Add-ContainerImageTag -Source $Registry.Image -Target 'pester/summary:v1'
        # -Force: the image is also tagged with the registry's name, so removing it by ID needs force in Docker too.
        Get-ContainerImage -Name 'pester/summary:v1' | Remove-ContainerImage -Force -Confirm:$false -PassThru | Should -Not -BeNullOrEmpty
        Get-ContainerImage -Name 'pester/summary:v1' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'removes every tag a wildcard matches and nothing else' {
        Invoke-ImagePull $Registry.Image | Out-Null
        Add-ContainerImageTag -Source $Registry.Image -Target 'pester/wild:a'
        Add-ContainerImageTag -Source $Registry.Image -Target 'pester/wild:b'
        $removed = Remove-ContainerImage 'pester/wild*' -Confirm:$false -PassThru
        $removed.Untagged | Should -Be @('pester/wild:a', 'pester/wild:b')
        Get-ContainerImage -Name $Registry.Image | Should -Not -BeNullOrEmpty
    }

    It 'reports a missing image as ImageNotFound and writes no error for a wildcard that matches nothing' {
        Remove-ContainerImage 'pester/missing:v1', 'pester/none*' -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-ContainerImage -Id 'abcdef123456' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ImageNotFound,*'
    }
}
