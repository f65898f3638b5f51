#!/usr/bin/env bash
# The project's test command (README): on a fresh Debian machine, as root, it installs what the tests need,
# restores, builds, runs every xunit test project, then the Pester acceptance tests in pwsh.
# It ends with one summary line "tests: N passed, N failed, N skipped" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=Release
log_dir=artifacts/test-results
mkdir -p "$log_dir"

# Debian packages the tests use as real peers (installed only when missing).
packages=(ca-certificates docker-registry skopeo busybox-static apache2-utils zstd runc libseccomp2 iproute2 nftables tmux)
command -v docker >/dev/null 2>&1 || packages+=(docker.io)   # the docker CLI, an independent API client
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "==> restore and build ($configuration)"
dotnet restore Containers.sln
dotnet build Containers.sln -c "$configuration" --no-restore -nologo -clp:ErrorsOnly

echo "==> xunit"
status=0
dotnet test Containers.sln -c "$configuration" --no-build --nologo --results-directory "$log_dir" \
  --logger "trx" 2>&1 | tee "$log_dir/xunit.log" || status=$?

echo "==> Pester acceptance tests"
# pwsh 7.6.10 as a dotnet tool (the version is pinned: the tool's newest, 7.7.0, does not run on .NET 10) and
# Pester 5.9.1, which the restore above put in the NuGet cache (a PackageDownload of Containers.PowerShell.Tests).
pwsh=artifacts/tools/pwsh
if [[ ! -x $pwsh ]] || [[ $($pwsh -NoProfile -Command '$PSVersionTable.PSVersion.ToString()') != 7.6.10 ]]; then
  rm -rf artifacts/tools
  dotnet tool install PowerShell --version 7.6.10 --tool-path artifacts/tools >/dev/null
fi
pester="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')/pester/5.9.1/tools/Pester.psd1"
[[ -f $pester ]] || { echo "Pester 5.9.1 was not restored to $pester"; exit 1; }
pester_summary=$log_dir/pester.summary
rm -f "$pester_summary"
$pwsh -NoProfile -NonInteractive -File tests/acceptance/Invoke-AcceptanceTests.ps1 -PesterModule "$pester" -SummaryPath "$pester_summary" \
  2>&1 | tee "$log_dir/pester.log" || status=1
read -r pester_passed pester_failed < "$pester_summary" 2>/dev/null || { pester_passed=0; pester_failed=1; status=1; }

sum() { grep -E '^(Passed|Failed)!' "$log_dir/xunit.log" | sed -E "s/.*$1: +([0-9]+).*/\1/" | awk '{s+=$1} END {print s+0}'; }
passed=$(( $(sum Passed) + pester_passed ))
failed=$(( $(sum Failed) + pester_failed ))
skipped=$(sum Skipped)
if ((passed == 0)); then echo "no test ran"; status=1; fi
# The names of what failed, last, so a CI log's tail shows them.
grep -E -A8 '^\s+Failed [A-Za-z]' "$log_dir/xunit.log" | sed -E 's/^\s+Failed /xunit failed: /' || true
grep -E '\[-\]' "$log_dir/pester.log" | sed -E 's/\x1b\[[0-9;]*m//g; s/^\s*\[-\] /pester failed: /' || true
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
