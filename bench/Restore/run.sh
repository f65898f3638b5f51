#!/usr/bin/env bash
# Engine start with running containers (issue 18): the time from starting our engine to its first answer to /_ping,
# with 0 and with 50 running containers (target: < 0.5 s with 50), after a SIGKILL of the previous engine (the
# containers keep running and are re-adopted). Also, from the engine's log, when it listened and when it finished
# re-adopting ("Engine started"), and the process's start alone (`containers-engine --version`), to show where the time goes.
# Not a test: run it by hand, as root. Usage: bench/Restore/run.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
runs=${1:-5}
need_packages docker-registry skopeo busybox-static python3 curl
dotnet build "$REPO_ROOT/src/Containers.Engine" -c Release -nologo -v q >/dev/null
work=$(mktemp -d "/var/tmp/bench-restore.XXXX")
dir=$work/ours
cli="docker -H unix://$dir/engine.sock"
cleanup() {
  # shellcheck disable=SC2046
  $cli rm -f $($cli ps -aq) >/dev/null 2>&1 || true
  cleanup_bench_work
}
trap cleanup EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
busybox_in_registry "$work"
"$REPO_ROOT/bench/pull/fresh-engine.sh" ours "$work" "$port"
$cli pull -q "$image" >/dev/null

# SIGKILL the engine, start it again, poll /_ping every 2 ms. Prints seconds to the first answer, then the seconds
# from the start to the log's "API listen" and to its "Engine started" (re-adoption done).
restart_once() {
  kill -KILL "$(cat "$dir/pid")"
  while kill -0 "$(cat "$dir/pid")" 2>/dev/null; do sleep 0.01; done
  rm -f "$dir/engine.sock"
  : >"$dir/log"
  local t0 t1
  t0=$(date +%s.%N)
  start_ours "$dir"
  until curl -sf --unix-socket "$dir/engine.sock" http://x/_ping >/dev/null 2>&1; do sleep 0.002; done
  t1=$(date +%s.%N)
  for _ in $(seq 200); do grep -q 'Engine started' "$dir/log" && break; sleep 0.05; done
  python3 - "$t0" "$t1" "$dir/log" <<'PY'
import sys, re, datetime
t0, t1 = float(sys.argv[1]), float(sys.argv[2])
def at(text):
    for line in open(sys.argv[3]):
        if text in line:
            stamp = re.search(r'time="([^"]+)"', line).group(1)
            stamp = stamp[:26] + "Z" if len(stamp) > 27 else stamp  # microseconds for fromisoformat
            return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() - t0
    return float("nan")
print(f"{t1 - t0:.3f} {at('API listen'):.3f} {at('Engine started'):.3f}")
PY
}

measure() { # label
  local all=()
  for _ in $(seq "$runs"); do all+=("$(restart_once)"); done
  printf '%s\n' "${all[@]}" | python3 -c '
import sys, statistics
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
ping, listen, started = (statistics.median(c) for c in zip(*rows))
print(f"'"$1"': /_ping answered after {ping:.3f} s (median of {len(rows)}); log: listening at {listen:.3f} s, re-adoption done at {started:.3f} s")'
}

echo
echo "== process start alone: containers-engine --version"
t0=$(date +%s.%N); "$REPO_ROOT/src/Containers.Engine/bin/Release/net10.0/containers-engine" --version >/dev/null
python3 -c "print(f'{$(date +%s.%N) - $t0:.3f} s')"

echo
echo "== engine start to /_ping after SIGKILL ($runs runs each)"
measure "0 containers"
for i in $(seq 50); do $cli run -d --network none "$image" sleep 100000 >/dev/null; done
[ "$($cli ps -q | wc -l)" = 50 ] || { echo "not 50 running" >&2; exit 1; }
measure "50 running"
[ "$($cli ps -q | wc -l)" = 50 ] || { echo "after the restarts, not 50 running" >&2; exit 1; }
echo "all 50 still running after $runs restarts"

echo
echo "== the engine idle with 50 re-adopted containers: CPU time over 5 s (each exit is awaited on the shim's pidfd, not polled)"
cpu() { awk '{print $14 + $15}' "/proc/$(cat "$dir/pid")/stat"; }
for window in 1 2 3; do
  c0=$(cpu); sleep 5; c1=$(cpu)
  echo "window $window: $(( (c1 - c0) * 1000 / $(getconf CLK_TCK) )) ms of CPU in 5 s"
done
