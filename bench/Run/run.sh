#!/usr/bin/env bash
# The run path, side by side in one run (issue 15): our engine vs dockerd (Debian's docker.io) vs podman (with runc),
# all running the same busybox image pulled from one loopback docker-registry, with --network none. Prints:
#   1. `run --rm IMAGE true` end to end through each CLI: hyperfine medians and ratios (target: ours <= 0.15 s and
#      <= 1/3 of podman's);
#   2. 50 concurrent `run -d IMAGE sleep 1000`: wall time, then the wall time of `rm -f` of all 50;
#   3. the engine's resident memory idle and with 50 running (dockerd: dockerd + its containerd);
#   4. the supervisor (shim) per running idle container that has written 1 MiB of logs, for 1 and 50 containers:
#      RSS and PSS (target for ours at 50: <= 5 MiB RSS and <= 2 MiB PSS each); the peers' containerd-shim / conmon too.
# Not a test: run it by hand, as root. Usage: bench/Run/run.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
runs=${1:-20}
three_engines run

cleanup() {
  for e in "${engines[@]}"; do remove_all "$e" >/dev/null 2>&1 || true; done
  podman system reset --force >/dev/null 2>&1 || true
  cleanup_bench_work
}
trap cleanup EXIT

# Removes every container of one engine; prints the wall time it took.
remove_all() { # engine
  local ids t0
  ids=$(${cli[$1]} ps -aq)
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  # podman's rm -f stops with the stop timeout first (10 s: sleep ignores SIGTERM as PID 1); docker's kills at once.
  [ -z "$ids" ] || ${cli[$1]} rm -f $([ "$1" = podman ] && echo "-t 0") $ids >/dev/null
  echo "$(date +%s.%N) - $t0" | bc
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are only comparable side by side)"
busybox_on_three_engines "$work"
for e in "${engines[@]}"; do
  out=$(${cli[$e]} run --rm --network none "$image" echo ok)
  [ "$out" = ok ] || { echo "$e: run --rm printed '$out', not ok" >&2; exit 1; }
done

echo
echo "== 1. run --rm --network none IMAGE true, end to end through the CLI ($runs runs each)"
three_way "$work/run.json" run --rm --network none "$image" true
python3 - "$work/run.json" <<'PY'
import json, sys
m = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
o = m["ours"]
print(f"ours {o:.3f} s: {o / m['dockerd']:.2f}x dockerd, {o / m['podman']:.2f}x podman "
      f"(target <= 0.150 s: {'met' if o <= 0.15 else 'missed'}; <= 0.33x podman: {'met' if o <= m['podman'] / 3 else 'missed'})")
PY

rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
pss_kib() { awk '/^Pss:/{print $2}' "/proc/$1/smaps_rollup"; }
engine_pids() { # engine: the daemon's own processes (podman has none)
  case $1 in
    ours) cat "$work/ours/pid" ;;
    dockerd) cat "$work/dockerd/pid"; pgrep -P "$(cat "$work/dockerd/pid")" -x containerd ;;
  esac
}
engine_memory() { # engine
  local rss=0 pss=0
  for p in $(engine_pids "$1"); do rss=$((rss + $(rss_kib "$p"))); pss=$((pss + $(pss_kib "$p"))); done
  echo "RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
}
declare -A idle_memory
for e in ours dockerd; do idle_memory[$e]=$(engine_memory "$e"); done

echo
echo "== 2. 50 concurrent run -d --network none IMAGE sleep 1000 (wall time), then rm -f of all 50"
declare -A busy_memory
for e in "${engines[@]}"; do
  pids=(); t0=$(date +%s.%N)
  for i in $(seq 50); do ${cli[$e]} run -d --network none --name "bench-$i" "$image" sleep 1000 >/dev/null 2>>"$work/$e-concurrent.err" & pids+=($!); done
  failed=0; for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  wall=$(echo "$(date +%s.%N) - $t0" | bc)
  running=$(${cli[$e]} ps -q | wc -l)
  [ "$e" = podman ] || busy_memory[$e]=$(engine_memory "$e")
  printf '%-8s 50 x run -d: %6.2f s wall, %d failed, %d running; rm -f of all: %6.2f s\n' \
    "$e" "$wall" "$failed" "$running" "$(remove_all "$e")"
  [ "$failed" = 0 ] || sed 's/^/    /' "$work/$e-concurrent.err" | sort | uniq -c | head -5
done

echo
echo "== 3. engine memory, idle (after part 1) and with 50 containers running"
for e in ours dockerd; do
  label=$e; [ "$e" = dockerd ] && label="dockerd+containerd"
  echo "$label: idle ${idle_memory[$e]}; with 50 running ${busy_memory[$e]}"
done

echo
echo "== 4. supervisor per running idle container that has written 1 MiB of logs (container init's parent process)"
# 16384 lines of 63 characters + newline: 1 MiB of output, then idle.
logger="yes 012345678901234567890123456789012345678901234567890123456789012 | head -n 16384; exec sleep 1000"
start_loggers() { # engine from to
  local pids=()
  for i in $(seq "$2" "$3"); do ${cli[$1]} run -d --network none --name "log-$i" "$image" sh -c "$logger" >/dev/null & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  for i in $(seq "$2" "$3"); do # until each one's log holds the whole MiB
    for _ in $(seq 100); do [ "$(${cli[$1]} logs "log-$i" 2>/dev/null | wc -c)" -ge 1048576 ] && break; sleep 0.2; done
  done
}
supervisor_memory() { # engine count
  local rss=0 pss=0 pid shim
  for i in $(seq "$2"); do
    pid=$(${cli[$1]} inspect -f '{{.State.Pid}}' "log-$i")
    shim=$(awk '{print $4}' "/proc/$pid/stat")
    rss=$((rss + $(rss_kib "$shim"))); pss=$((pss + $(pss_kib "$shim")))
  done
  printf '%-8s %2d containers: per supervisor (%s) RSS %5d KiB, PSS %5d KiB\n' "$1" "$2" "$(cat "/proc/$shim/comm")" $((rss / $2)) $((pss / $2))
}
for e in "${engines[@]}"; do
  start_loggers "$e" 1 1; supervisor_memory "$e" 1
  start_loggers "$e" 2 50; supervisor_memory "$e" 50
  remove_all "$e" >/dev/null
done
echo "target for ours with 50 running: <= 5120 KiB RSS and <= 2048 KiB PSS each"
