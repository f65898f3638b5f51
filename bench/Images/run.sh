#!/usr/bin/env bash
# Pull benchmark: a ~200 MB (compressed) multi-layer image from a loopback docker-registry into an empty
# data root, with our library (Containers.Images.PullTool: download, verify, decompress, diff-ID check)
# versus `skopeo copy` to an OCI directory (download + verify only) and to a dir: with --dest-decompress
# (download + decompress + write, the closer match to what a pull does). Not a timed test: run by hand.
# Usage: bench/Images/run.sh [runs]    (needs docker-registry, skopeo, umoci, hyperfine, python3)
set -euo pipefail
RUNS="${1:-5}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
. "$REPO_ROOT/bench/lib.sh"
need_packages docker-registry skopeo umoci hyperfine python3
WORK="${BENCH_WORK:-/tmp/images-bench}"
mkdir -p "$WORK"

echo "== building the pull tool (Release)"
dotnet build -c Release -v q --nologo "$REPO_ROOT/tests/Containers.Images.PullTool" -o "$WORK/tool" >/dev/null

LAYOUT="$WORK/layout"
if [ ! -f "$LAYOUT/index.json" ]; then
  echo "== building the image layout with umoci (one layer per directory; done once, cached in $WORK)"
  rm -rf "$LAYOUT"
  umoci init --layout "$LAYOUT"
  umoci new --image "$LAYOUT:bench"
  for dir in /usr/lib/gcc /usr/share/locale /usr/share/doc /usr/lib/python3.11 /usr/share/icons; do
    [ -d "$dir" ] && umoci insert --image "$LAYOUT:bench" "$dir" "$dir" >/dev/null
  done
  umoci config --image "$LAYOUT:bench" --config.cmd /bin/sh >/dev/null
fi

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
rm -rf "$WORK/registry"; mkdir -p "$WORK/registry"
cat > "$WORK/registry.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/registry
http:
  addr: 127.0.0.1:$PORT
YML
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
trap 'kill $REGISTRY_PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v2/" >/dev/null && break; sleep 0.1; done

REF="127.0.0.1:$PORT/bench:v1"
skopeo copy --quiet --dest-tls-verify=false "oci:$LAYOUT:bench" "docker://$REF"
SIZE=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://127.0.0.1:$PORT/v2/bench/manifests/v1" \
  | python3 -c 'import json,sys; m=json.load(sys.stdin); print(len(m["layers"]), sum(l["size"] for l in m["layers"]))')
echo "== image: $REF, layers and compressed bytes: $SIZE"

hyperfine --runs "$RUNS" --warmup 1 --export-json "$WORK/results.json" \
  --prepare "rm -rf $WORK/ours $WORK/skopeo-oci $WORK/skopeo-dir" \
  -n ours "dotnet $WORK/tool/Containers.Images.PullTool.dll $WORK/ours $REF 3 >/dev/null" \
  -n skopeo "skopeo copy --quiet --src-tls-verify=false docker://$REF oci:$WORK/skopeo-oci:bench" \
  -n skopeo-decompress "skopeo copy --quiet --src-tls-verify=false --dest-decompress docker://$REF dir:$WORK/skopeo-dir"

python3 - "$WORK/results.json" <<'PY'
import json, statistics, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
med = {k: statistics.median(v["times"]) for k, v in r.items()}
for k, v in med.items():
    print(f"{k:18s} median {v:7.3f} s  (runs: {', '.join(f'{t:.2f}' for t in r[k]['times'])})")
print(f"ratio ours/skopeo (download+verify only)            = {med['ours'] / med['skopeo']:.2f}")
print(f"ratio ours/skopeo-decompress (download+decompress)    = {med['ours'] / med['skopeo-decompress']:.2f}")
PY
