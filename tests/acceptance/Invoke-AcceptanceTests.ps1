# Runs the Pester acceptance tests in this folder (called by tests/run.sh): writes "PASSED FAILED" to $SummaryPath,
# where FAILED also counts failed setup blocks and test files, and exits 1 unless everything passed.
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [Parameter(Mandatory)] [string] $SummaryPath
)
Import-Module $PesterModule
$result = Invoke-Pester -Path $PSScriptRoot -PassThru -Output Detailed
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Set-Content -Path $SummaryPath -Value "$($result.PassedCount) $failed"
if ($result.Result -ne 'Passed') { exit 1 }
