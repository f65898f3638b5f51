#!/usr/bin/env bash
# Pull of a ~200 MB multi-layer Debian image from a loopback registry into an empty engine:
# ours (docker CLI -> containers-engine) vs dockerd (docker CLI -> dockerd) vs `skopeo copy` to an OCI directory.
# Prints hyperfine's medians and each one's ratio to ours. Not a test: run it by hand.
# Usage: bench/pull/run.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
runs=${1:-5}
need_packages docker-registry skopeo docker.io hyperfine debootstrap
dotnet build "$REPO_ROOT/src/Containers.Engine" -c Release -nologo -v q >/dev/null

work=$(mktemp -d /var/tmp/bench-pull.XXXX)
cleanup() {
  for k in ours dockerd; do [ -f "$work/$k/pid" ] && kill -TERM "$(cat "$work/$k/pid")" 2>/dev/null || true; done
  [ -f "$work/registry.pid" ] && kill "$(cat "$work/registry.pid")" 2>/dev/null || true
  sleep 2; umount -R "$work/dockerd/data" 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

rootfs=$(debian_rootfs)
layout=$BENCH_CACHE/debian-oci
[ -f "$layout/index.json" ] || "$here/make-image.sh" "$rootfs" "$layout" bench
port=$(start_registry "$work")
image=127.0.0.1:$port/bench/debian:bench
skopeo copy --quiet --dest-tls-verify=false "oci:$layout:bench" "docker://$image"
echo "image: $image ($(du -sh "$layout/blobs" | cut -f1) compressed)"

hyperfine --runs "$runs" --export-json "$work/pull.json" \
  --prepare "$here/fresh-engine.sh ours $work $port" \
  -n ours "docker -H unix://$work/ours/engine.sock pull -q $image" \
  --prepare "$here/fresh-engine.sh dockerd $work $port" \
  -n dockerd "docker -H unix://$work/dockerd/engine.sock pull -q $image" \
  --prepare "rm -rf $work/skopeo-out" \
  -n skopeo "skopeo copy --quiet --src-tls-verify=false docker://$image oci:$work/skopeo-out:bench"
print_ratios "$work/pull.json"
