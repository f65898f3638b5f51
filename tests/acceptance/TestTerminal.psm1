# A real terminal for the interactive tests: pwsh in a detached tmux session on a private tmux server, with the
# Containers module imported and connected to the test engine, driven with send-keys and read with capture-pane.
function Start-TestTerminal([Parameter(Mandatory)] [string] $EngineUri, [string] $Name = 'term') {
    $socket = "ce-pester-$PID-$Name"
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    $pwsh = if (Test-Path "$repo/artifacts/tools/pwsh") { "$repo/artifacts/tools/pwsh" } else { (Get-Command pwsh).Source }
    & tmux -L $socket new-session -d -s $Name -x 100 -y 30 "$pwsh -NoProfile -NoLogo"
    $terminal = [pscustomobject]@{ Socket = $socket; Session = $Name }
    Wait-TestTerminal $terminal '(?m)^PS .*> *$' # PowerShell is ready for keys
    $module = (Resolve-Path "$PSScriptRoot/../../artifacts/module/Containers/Containers.psd1").Path
    Send-TestTerminal $terminal "Import-Module '$module'; Connect-ContainerEngine -Uri '$EngineUri' | Out-Null; 'ready' + 'now'"
    Wait-TestTerminal $terminal '(?m)^readynow'
    $terminal
}

# Types the text (literally) and Enter; -NoEnter leaves Enter out, -Keys sends tmux key names (C-p C-q) instead.
function Send-TestTerminal([Parameter(Mandatory)] $Terminal, [string] $Text, [string[]] $Keys, [switch] $NoEnter) {
    if ($Keys) { & tmux -L $Terminal.Socket send-keys -t $Terminal.Session @Keys; return }
    if ($Text) { & tmux -L $Terminal.Socket send-keys -t $Terminal.Session -l $Text }
    if (-not $NoEnter) { & tmux -L $Terminal.Socket send-keys -t $Terminal.Session Enter }
}

function Get-TestTerminalScreen([Parameter(Mandatory)] $Terminal) {
    (& tmux -L $Terminal.Socket capture-pane -t $Terminal.Session -p) -join "`n"
}

# "rows columns", as stty size prints them inside the terminal.
function Get-TestTerminalSize([Parameter(Mandatory)] $Terminal) {
    & tmux -L $Terminal.Socket display-message -p -t $Terminal.Session '#{pane_height} #{pane_width}'
}

function Wait-TestTerminal([Parameter(Mandatory)] $Terminal, [Parameter(Mandatory)] [string] $Pattern, [int] $Seconds = 30) {
    $deadline = (Get-Date).AddSeconds($Seconds)
    while ((Get-TestTerminalScreen $Terminal) -notmatch $Pattern) {
        if ((Get-Date) -gt $deadline) { throw "the terminal never showed '$Pattern':`n$(Get-TestTerminalScreen $Terminal)" }
        Start-Sleep -Milliseconds 200
    }
}

function Stop-TestTerminal([Parameter(Mandatory)] $Terminal) {
    & tmux -L $Terminal.Socket kill-server
}

Export-ModuleMember -Function Start-TestTerminal, Send-TestTerminal, Get-TestTerminalScreen, Get-TestTerminalSize, Wait-TestTerminal, Stop-TestTerminal
