#!/usr/bin/env bash
# The project's test command (README): on a fresh Debian machine, as root, it installs what the tests need,
# restores, builds, runs every xunit test project, then the Pester acceptance tests when pwsh and Pester exist.
# It ends with one summary line "tests: N passed, N failed, N skipped" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=Release
log_dir=artifacts/test-results
mkdir -p "$log_dir"

# Debian packages the tests use as real peers (installed only when missing).
packages=(ca-certificates docker-registry skopeo busybox-static apache2-utils zstd runc libseccomp2 iproute2 tmux)
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
pester_passed=0; pester_failed=0
if command -v pwsh >/dev/null 2>&1 && pwsh -NoProfile -Command 'if (-not (Get-Module -ListAvailable Pester)) { exit 1 }'; then
  if pwsh -NoProfile -Command '$r = Invoke-Pester -Path tests/acceptance -PassThru -Output Detailed; "PESTER $($r.PassedCount) $($r.FailedCount)"; exit $r.FailedCount' | tee "$log_dir/pester.log"; then :; else status=1; fi
  read -r _ pester_passed pester_failed < <(grep '^PESTER ' "$log_dir/pester.log" || echo "PESTER 0 1")
else
  echo "notice: pwsh or Pester is not installed, so the Pester acceptance tests in tests/acceptance were not run (the cmdlets' metadata is checked by xunit)."
fi

sum() { grep -E '^(Passed|Failed)!' "$log_dir/xunit.log" | sed -E "s/.*$1: +([0-9]+).*/\1/" | awk '{s+=$1} END {print s+0}'; }
passed=$(( $(sum Passed) + pester_passed ))
failed=$(( $(sum Failed) + pester_failed ))
skipped=$(sum Skipped)
if ((passed == 0)); then echo "no test ran"; status=1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
