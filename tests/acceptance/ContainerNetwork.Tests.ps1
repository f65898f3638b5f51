# Acceptance tests of the network cmdlets, as a user would run them against a real engine.
BeforeAll {
    $script:ModulePath = "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1"
    Import-Module $ModulePath -Force
    Import-Module "$PSScriptRoot/TestEngine.psm1" -Force
    $script:Session = Start-TestSession
    $script:Registry = $Session.Registry
}

AfterAll {
    Stop-TestSession $script:Session
}

Describe 'New-ContainerNetwork and Get-ContainerNetwork' {
    AfterEach {
        Get-ContainerNetwork 'pester-net-*' | Remove-ContainerNetwork -Confirm:$false
    }

    It 'creates a network with a subnet the engine picks and writes it' {
        $network = New-ContainerNetwork pester-net-a -Label @{ suite = 'pester' }
        $network | Should -BeOfType ([Containers.Api.Network])
        $network.Name | Should -Be 'pester-net-a'
        $network.Driver | Should -Be 'bridge'
        $network.Labels['suite'] | Should -Be 'pester'
        $network.IPAM.Config[0].Subnet | Should -Match '^\d+\.\d+\.\d+\.\d+/\d+$'
        (Get-ContainerNetwork pester-net-a).Id | Should -Be $network.Id
    }

    It 'takes a subnet, gateway and internal flag, and labels as key=value strings' {
        $network = New-ContainerNetwork pester-net-b -Subnet 10.231.5.0/24 -Gateway 10.231.5.254 -Internal -Label tier=db
        $network.Labels['tier'] | Should -Be 'db'
        $network.IPAM.Config[0].Subnet | Should -Be '10.231.5.0/24'
        $network.IPAM.Config[0].Gateway | Should -Be '10.231.5.254'
        $network.Internal | Should -BeTrue
    }

    It 'lists networks as docker network ls does, with wildcards and by ID prefix' {
        $a = New-ContainerNetwork pester-net-c
        New-ContainerNetwork pester-net-d | Out-Null
        (Get-ContainerNetwork 'pester-net-*').Name | Sort-Object | Should -Be @('pester-net-c', 'pester-net-d')
        (Get-ContainerNetwork).Name | Should -Contain 'bridge'
        (Get-ContainerNetwork -Id $a.Id.Substring(0, 12)).Name | Should -Be 'pester-net-c'
        $table = Get-ContainerNetwork pester-net-c | Out-String
        $table | Should -Match 'NetworkId\s+Name\s+Driver\s+Scope\s+Subnet'
        $table | Should -Match ([regex]::Escape($a.Id.Substring(0, 12)) + '\s+pester-net-c\s+bridge\s+local')
    }

    It 'reports an unknown network as NetworkNotFound and a taken name as NetworkConflict' {
        Get-ContainerNetwork no-such-net -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NetworkNotFound*'
        New-ContainerNetwork pester-net-e | Out-Null
        New-ContainerNetwork pester-net-e -ErrorVariable taken -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $taken[0].FullyQualifiedErrorId | Should -BeLike 'NetworkConflict*'
        $taken[0].Exception.Message | Should -BeLike '*already exists*'
    }

    It 'does not create with -WhatIf' {
        New-ContainerNetwork pester-net-f -WhatIf
        Get-ContainerNetwork pester-net-f -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Remove-ContainerNetwork' {
    It 'removes networks from the pipeline, and keeps them with -WhatIf' {
        New-ContainerNetwork pester-rm-a | Out-Null
        New-ContainerNetwork pester-rm-b | Out-Null
        Get-ContainerNetwork 'pester-rm-*' | Remove-ContainerNetwork -WhatIf
        (Get-ContainerNetwork 'pester-rm-*').Count | Should -Be 2
        $removed = Get-ContainerNetwork 'pester-rm-*' | Remove-ContainerNetwork -Confirm:$false -PassThru
        $removed.Name | Sort-Object | Should -Be @('pester-rm-a', 'pester-rm-b')
        Get-ContainerNetwork 'pester-rm-*' | Should -BeNullOrEmpty
    }

    It 'refuses the predefined networks and still removes the others' {
        New-ContainerNetwork pester-rm-c | Out-Null
        Remove-ContainerNetwork bridge, pester-rm-c -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures | Should -HaveCount 1
        $failures[0].Exception.Message | Should -BeLike '*pre-defined*'
        Get-ContainerNetwork pester-rm-c -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ContainerNetwork bridge | Should -Not -BeNullOrEmpty
    }
}

Describe 'Containers on networks' {
    BeforeAll {
        New-ContainerNetwork pester-app | Out-Null
        New-ContainerNetwork pester-other | Out-Null
        # busybox httpd serving the container's /etc: GET /hostname answers the container's host name.
        Invoke-ContainerImage $Registry.Image -Name pnet-web -Detach -Network pester-app -NetworkAlias www -HostName webhost -- busybox httpd -f -p 8080 -h /etc | Out-Null
        Invoke-ContainerImage $Registry.Image -Name pnet-idle -Detach -- sh -c 'while true; do sleep 1; done' | Out-Null
    }

    AfterAll {
        Remove-Container pnet-web, pnet-idle -Force -Confirm:$false -ErrorAction SilentlyContinue
        Remove-ContainerNetwork pester-app, pester-other -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'lists a running container under its network with its address' {
        $endpoint = (Get-ContainerNetwork pester-app).Containers.Values | Where-Object Name -eq 'pnet-web'
        $endpoint | Should -Not -BeNullOrEmpty
        $subnet = (Get-ContainerNetwork pester-app).IPAM.Config[0].Subnet
        $prefix = $subnet.Split('.')[0..1] -join '.'
        $endpoint.IPv4Address | Should -BeLike "$prefix.*/*"
    }

    It 'lets another container on the network reach it by address' {
        $address = ((Get-ContainerNetwork pester-app).Containers.Values | Where-Object Name -eq 'pnet-web').IPv4Address.Split('/')[0]
        Invoke-ContainerImage $Registry.Image -Network pester-app -Remove -- busybox wget -qO- "http://${address}:8080/hostname" | Should -Be 'webhost'
    }

    It 'connects a running container to a network and disconnects it' {
        Connect-ContainerNetwork pnet-idle -Network pester-other -PassThru | Select-Object -ExpandProperty Name | Should -Be 'pnet-idle'
        ((Get-ContainerNetwork pester-other).Containers.Values).Name | Should -Contain 'pnet-idle'
        $links = Invoke-ContainerCommand pnet-idle -- busybox ip -o link
        ($links | Where-Object { $_ -match ': eth1[@:]' }) | Should -Not -BeNullOrEmpty
        Get-Container pnet-idle | Disconnect-ContainerNetwork -Network pester-other -Confirm:$false
        (Get-ContainerNetwork pester-other).Containers.Count | Should -Be 0
        ((Invoke-ContainerCommand pnet-idle -- busybox ip -o link) | Where-Object { $_ -match ': eth1[@:]' }) | Should -BeNullOrEmpty
    }

    It 'does not remove a network a running container uses' {
        Remove-ContainerNetwork pester-app -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NetworkConflict*'
        $failures[0].Exception.Message | Should -BeLike '*has active endpoints*'
        Get-ContainerNetwork pester-app | Should -Not -BeNullOrEmpty
    }
}

Describe 'Published ports' {
    AfterEach {
        Remove-Container 'pnet-pub*' -Force -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'publishes a port on loopback that the host reaches, and Get-Container shows it' {
        $port = Get-Random -Minimum 20000 -Maximum 30000
        Invoke-ContainerImage $Registry.Image -Name pnet-pub1 -Detach -HostName published -Publish "127.0.0.1:${port}:8080" -- busybox httpd -f -p 8080 -h /etc | Out-Null
        $container = Get-Container pnet-pub1
        $container.Ports | Should -Be "127.0.0.1:$port->8080/tcp"
        ($container | Out-String -Width 250) | Should -Match ([regex]::Escape("127.0.0.1:$port->8080/tcp"))
        $http = [System.Net.Http.HttpClient]::new()
        $body = $null
        foreach ($i in 1..50) {
            try { $body = $http.GetStringAsync("http://127.0.0.1:$port/hostname").GetAwaiter().GetResult(); break } catch { Start-Sleep -Milliseconds 100 }
        }
        $http.Dispose()
        $body | Should -Be "published`n"
    }

    It 'lets the engine choose the host port of -Publish 8080' {
        Invoke-ContainerImage $Registry.Image -Name pnet-pub2 -Detach -Publish 8080 -- busybox httpd -f -p 8080 -h /etc | Out-Null
        (Get-Container pnet-pub2).Ports | Should -Match '^0\.0\.0\.0:\d+->8080/tcp$'
    }

    It 'reports a host port another container holds' {
        $port = Get-Random -Minimum 30001 -Maximum 32000
        Invoke-ContainerImage $Registry.Image -Name pnet-pub3 -Detach -Publish "${port}:8080" -- busybox httpd -f -p 8080 | Out-Null
        { Invoke-ContainerImage $Registry.Image -Name pnet-pub4 -Detach -Publish "${port}:8080" -ErrorAction Stop -- busybox httpd -f -p 8080 } |
            Should -Throw "*port is already allocated*"
    }
}

Describe 'Network parameters of New-Container' {
    It 'rejects a -Publish that is not in docker run''s syntax, naming the part' {
        { New-Container $Registry.Image -Publish '80:abc' -ErrorAction Stop } | Should -Throw '*invalid containerPort: abc*'
        { New-Container $Registry.Image -Publish '1.2.3:80:80' -ErrorAction Stop } | Should -Throw '*invalid IP address*'
    }
}
