#!/usr/bin/env bash
# Benchmarks containers-runtime against runc on the same busybox bundle (run as root):
#   1. create+start+wait+delete of /bin/true (`run`), ours vs runc, in one hyperfine run (target: <= 0.5x runc);
#   2. resident memory of our supervising processes per idle running container, for 1 and 50 containers.
# Needs: dotnet SDK, runc, hyperfine, busybox-static. Uses the NativeAOT build (the one the engine should ship).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/bench/lib.sh"
need_packages runc hyperfine busybox-static python3
work=$(mktemp -d /tmp/crt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== publishing containers-runtime (NativeAOT)"
dotnet publish "$repo/src/Containers.Runtime.Cli" -r linux-x64 -c Release -p:NativeAot=true -o "$work/bin" >/dev/null
ours="$work/bin/containers-runtime"

echo "== bundle: busybox rootfs, config.json from 'runc spec', process /bin/true"
bundle="$work/bundle"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/sys" "$bundle/rootfs/dev"
cp /bin/busybox "$bundle/rootfs/bin/"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$bundle/rootfs/bin/$a"; done
(cd "$bundle" && runc spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"\/bin\/true"/' "$bundle/config.json"
grep -q '"/bin/true"' "$bundle/config.json"

echo "== create+start+wait+delete of /bin/true"
hyperfine -N --warmup 5 --runs 50 --export-json "$work/run.json" \
  -n runc "runc --root $work/runc-state run --bundle $bundle bench-runc" \
  -n containers-runtime "$ours --root $work/ours-state run --bundle $bundle bench-ours"
python3 - "$work/run.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, b = r["containers-runtime"]["median"], r["runc"]["median"]
print(f"median: containers-runtime {a*1000:.1f} ms, runc {b*1000:.1f} ms, ratio {a/b:.2f}x runc (target <= 0.50x)")
PY

echo "== resident memory of supervising processes per idle container"
sed -i 's/"\/bin\/true"/"sleep", "100000"/' "$bundle/config.json"
measure() {
  n=$1
  i=0
  while [ $i -lt "$n" ]; do "$ours" --root "$work/ours-state" run --detach --bundle "$bundle" "idle-$i" </dev/null >/dev/null 2>&1; i=$((i+1)); done
  rss=0; pss=0; anon=0
  for dir in "$work"/ours-state/idle-*; do
    pid=$(sed -n 's/.*"shimPid": \([0-9]*\).*/\1/p' "$dir/state.json")
    rss=$((rss + $(awk '/^VmRSS/{print $2}' /proc/"$pid"/status)))
    anon=$((anon + $(awk '/^RssAnon/{print $2}' /proc/"$pid"/status)))
    pss=$((pss + $(awk '/^Pss:/{print $2}' /proc/"$pid"/smaps_rollup)))
  done
  echo "$n containers: per container RSS $((rss / n)) KiB, PSS $((pss / n)) KiB, private anon $((anon / n)) KiB (target <= 5120 KiB)"
  for dir in "$work"/ours-state/idle-*; do "$ours" --root "$work/ours-state" delete --force "$(basename "$dir")"; done
}
measure 1
measure 50
