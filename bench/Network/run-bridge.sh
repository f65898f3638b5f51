#!/usr/bin/env bash
# The run path with networking, side by side in one run (issue 19): `run --rm IMAGE true` with each engine's default
# network — ours: its default bridge (a veth and an address per container, DNS files, the nftables table);
# dockerd: its bridge (a bridge of its own, no iptables rules, see start_dockerd_with_bridge); podman: its default
# network — then the same with --network none for reference, so the cost of the network part shows.
# Prints the medians and ratios (target: ours <= 1/3 of podman's median with the default network).
# Not a test: run it by hand, as root. Usage: bench/Network/run-bridge.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
runs=${1:-20}
three_engines run-bridge
cleanup() {
  podman system reset --force >/dev/null 2>&1 || true
  cleanup_bench_work
}
trap cleanup EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are only comparable side by side)"
busybox_in_registry "$work"
"$REPO_ROOT/bench/pull/fresh-engine.sh" ours "$work" "$port"
start_dockerd_with_bridge "$work" "$port"
for e in "${engines[@]}"; do
  ${cli[$e]} pull -q $([ "$e" = podman ] && echo --tls-verify=false) "$image" >/dev/null
  out=$(${cli[$e]} run --rm "$image" sh -c 'ip -o -4 addr show eth0 | wc -l')
  [ "$out" = 1 ] || { echo "$e: the container has no IPv4 address on eth0 ($out)" >&2; exit 1; }
done

for mode in default none; do
  echo
  echo "== run --rm $([ $mode = none ] && echo '--network none ')IMAGE true ($runs runs each)"
  three_way "$work/$mode.json" run --rm $([ $mode = none ] && echo '--network none') "$image" true
done
python3 - "$work/default.json" "$work/none.json" <<'PY'
import json, sys
def medians(path): return {r["command"]: r["median"] for r in json.load(open(path))["results"]}
d, n = medians(sys.argv[1]), medians(sys.argv[2])
for e in d: print(f"{e:<8} network part: {1000 * (d[e] - n[e]):6.0f} ms (default {d[e]:.3f} s, none {n[e]:.3f} s)")
o = d["ours"]
print(f"default network: ours {o:.3f} s = {o / d['dockerd']:.2f}x dockerd, {o / d['podman']:.2f}x podman "
      f"(target <= 0.33x podman: {'met' if o <= d['podman'] / 3 else 'missed'})")
PY
