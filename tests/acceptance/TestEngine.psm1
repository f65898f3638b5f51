# Starts and stops a private containers-engine for the acceptance tests, as a user would run it by hand.
function Start-TestEngine {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("ce-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $dir | Out-Null
    Set-Content -Path (Join-Path $dir 'daemon.json') -Value '{}'
    $socket = Join-Path $dir 'engine.sock'
    $configuration = if (Test-Path "$repo/src/Containers.Engine/bin/Release/net10.0/containers-engine.dll") { 'Release' } else { 'Debug' }
    $engineDll = "$repo/src/Containers.Engine/bin/$configuration/net10.0/containers-engine.dll"
    $process = Start-Process -FilePath dotnet -PassThru -RedirectStandardError (Join-Path $dir 'engine.log') -ArgumentList @(
        $engineDll, '-H', "unix://$socket", '--data-root', "$dir/data", '--exec-root', "$dir/exec", '--config-file', "$dir/daemon.json")
    $deadline = (Get-Date).AddSeconds(30)
    while (-not (Test-Path $socket)) {
        if ($process.HasExited -or (Get-Date) -gt $deadline) { throw "engine did not start: $(Get-Content (Join-Path $dir 'engine.log') -Raw)" }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{ Process = $process; Directory = $dir; Uri = "unix://$socket"; DataRoot = "$dir/data" }
}

function Stop-TestEngine([Parameter(Mandatory)] $Engine) {
    # Containers outlive their engine by design: remove them first, so no test leaves processes or mounts behind.
    if (-not $Engine.Process.HasExited) {
        $socket = $Engine.Uri -replace '^unix://', ''
        try {
            # Assigned first: Invoke-RestMethod writes a JSON array as one object, foreach over a variable enumerates it.
            $containers = Invoke-RestMethod -UnixSocket $socket -Uri 'http://localhost/containers/json?all=1'
            foreach ($c in $containers) {
                Invoke-RestMethod -UnixSocket $socket -Method Delete -Uri "http://localhost/containers/$($c.Id)?force=1" | Out-Null
            }
        } catch { Write-Warning "could not remove the test engine's containers: $_" }
    }
    if (-not $Engine.Process.HasExited) { & kill -TERM $Engine.Process.Id; $Engine.Process.WaitForExit(20000) | Out-Null }
    Remove-Item -Recurse -Force $Engine.Directory -ErrorAction SilentlyContinue
}

# A loopback docker-registry holding a small busybox image pushed by skopeo (made with bench/pull/make-image.sh).
function Start-TestRegistry {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("ce-registry-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path "$dir/rootfs/bin", "$dir/storage" | Out-Null
    Copy-Item /bin/busybox "$dir/rootfs/bin/busybox"
    & ln -s busybox "$dir/rootfs/bin/sh"
    & bash "$repo/bench/pull/make-image.sh" "$dir/rootfs" "$dir/layout" test | Out-Null
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    Set-Content "$dir/config.yml" "version: 0.1`nstorage:`n  filesystem:`n    rootdirectory: $dir/storage`nhttp:`n  addr: 127.0.0.1:$port`n"
    $process = Start-Process docker-registry -ArgumentList 'serve', "$dir/config.yml" -PassThru -RedirectStandardError "$dir/registry.log" -RedirectStandardOutput "$dir/registry.out"
    Start-Sleep -Seconds 1
    & skopeo copy --quiet --dest-tls-verify=false "oci:$dir/layout:test" "docker://127.0.0.1:$port/test/busybox:1.0"
    if ($LASTEXITCODE -ne 0) { throw 'skopeo could not push the test image' }
    [pscustomobject]@{ Process = $process; Directory = $dir; Image = "127.0.0.1:$port/test/busybox:1.0" }
}

function Stop-TestRegistry([Parameter(Mandatory)] $Registry) {
    Stop-Process -Id $Registry.Process.Id -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $Registry.Directory -ErrorAction SilentlyContinue
}


# What most test files start with: a private engine and registry, the Containers module (imported by the caller)
# connected to that engine, and the test image pulled. Stop-TestSession ends both.
function Start-TestSession {
    $engine = Start-TestEngine
    $registry = Start-TestRegistry
    Connect-ContainerEngine -Uri $engine.Uri | Out-Null
    Invoke-ImagePull $registry.Image | Out-Null
    [pscustomobject]@{ Engine = $engine; Registry = $registry }
}

function Stop-TestSession([Parameter(Mandatory)] $Session) {
    Stop-TestEngine $Session.Engine
    Stop-TestRegistry $Session.Registry
}

Export-ModuleMember -Function Start-TestEngine, Stop-TestEngine, Start-TestRegistry, Stop-TestRegistry, Start-TestSession, Stop-TestSession
