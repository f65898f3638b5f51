#!/usr/bin/env bash
# docker exec, side by side in one run (issue 17): our engine vs dockerd (Debian's docker.io) vs podman (with runc), each
# with one running busybox container (--network none) from the same loopback registry. Prints:
#   1. `exec CONTAINER true` end to end through each CLI: hyperfine medians and ratios (target: ours <= 1/3 of dockerd's);
#   2. where our time goes: the docker CLI alone (`inspect`, one request), the three API requests docker exec makes
#      (create, start detached, inspect) timed with curl, and the runtime's exec alone (`containers-runtime exec`).
# Not a test: run it by hand, as root. Usage: bench/Exec/run.sh [RUNS]
set -euo pipefail
runs=${1:-20}
source "$(dirname "$0")/../lib.sh"
three_engines exec
cleanup() {
  for e in "${engines[@]}"; do ${cli[$e]} rm -f $([ "$e" = podman ] && echo "-t 0") bench-exec >/dev/null 2>&1 || true; done
  podman system reset --force >/dev/null 2>&1 || true
  cleanup_bench_work
}
trap cleanup EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are only comparable side by side)"
busybox_on_three_engines "$work"
for e in "${engines[@]}"; do
  ${cli[$e]} run -d --network none --name bench-exec "$image" sleep 100000 >/dev/null
  out=$(${cli[$e]} exec bench-exec echo ok)
  [ "$out" = ok ] || { echo "$e: exec printed '$out', not ok" >&2; exit 1; }
done

echo
echo "== 1. exec bench-exec true, end to end through the CLI ($runs runs each)"
three_way "$work/exec.json" exec bench-exec true
python3 - "$work/exec.json" <<'PY'
import json, sys
medians = {r["command"]: r["median"] * 1000 for r in json.load(open(sys.argv[1]))["results"]}
target = medians["dockerd"] / 3
print(f"target: ours <= 1/3 of dockerd = {target:.1f} ms; ours {medians['ours']:.1f} ms: {'met' if medians['ours'] <= target else 'missed'}")
PY

echo
echo "== 2. where our time goes (medians of $runs, ms)"
sock=$work/ours/engine.sock
median_ms() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2) * 1000}'; }
api() { # method path [body]: prints the request's total time in seconds and keeps the answer in $work/answer
  curl -s -o "$work/answer" -w '%{time_total}\n' --unix-socket "$sock" -X "$1" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "http://engine/v1.47$2"
}
: >"$work/t-create"; : >"$work/t-start"; : >"$work/t-inspect"
for _ in $(seq "$runs"); do
  api POST /containers/bench-exec/exec '{"Cmd":["true"]}' >>"$work/t-create"
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Id"])' "$work/answer")
  api POST "/exec/$id/start" '{"Detach":true}' >>"$work/t-start"
  api GET "/exec/$id/json" >>"$work/t-inspect"
done
cid=$(${cli[ours]} inspect -f '{{.Id}}' bench-exec)
runtime=$REPO_ROOT/src/Containers.Engine/bin/Release/net10.0/native/containers-runtime
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/parts.json" \
  -n "docker CLI alone (inspect: start + 1 request)" "${cli[ours]} inspect -f . bench-exec" \
  -n "containers-runtime exec (runtime alone)" "$runtime --root $work/ours/exec/runtime exec $cid true" >/dev/null
python3 - "$work/parts.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<48} {r['median'] * 1000:8.1f}")
PY
printf '%-48s %8s\n' "API POST /containers/ID/exec (curl)" "$(median_ms <"$work/t-create")"
printf '%-48s %8s\n' "API POST /exec/ID/start detached (curl)" "$(median_ms <"$work/t-start")"
printf '%-48s %8s\n' "API GET /exec/ID/json (curl)" "$(median_ms <"$work/t-inspect")"
