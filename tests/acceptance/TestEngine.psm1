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
    if (-not $Engine.Process.HasExited) { & kill -TERM $Engine.Process.Id; $Engine.Process.WaitForExit(20000) | Out-Null }
    Remove-Item -Recurse -Force $Engine.Directory -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Start-TestEngine, Stop-TestEngine
