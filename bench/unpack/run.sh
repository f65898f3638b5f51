#!/usr/bin/env bash
# Unpack of the ~200 MB Debian image (4 gzip layers): ours (the snapshotter, overlay layers) vs `umoci unpack` of the
# same OCI layout, and dockerd's pull + extract of the same image from a loopback registry, in one hyperfine run.
# Usage: bench/unpack/run.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
runs=${1:-5}
need_packages umoci docker-registry skopeo docker.io hyperfine debootstrap
dotnet build "$REPO_ROOT/bench/Unpack" -c Release -nologo -v q >/dev/null
unpack="$REPO_ROOT/bench/Unpack/bin/Release/net10.0/unpack-bench"

work=$(mktemp -d /var/tmp/bench-unpack.XXXX)
cleanup() {
  [ -f "$work/dockerd/pid" ] && kill -TERM "$(cat "$work/dockerd/pid")" 2>/dev/null || true
  [ -f "$work/registry.pid" ] && kill "$(cat "$work/registry.pid")" 2>/dev/null || true
  sleep 2; umount -R "$work/dockerd/data" 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

rootfs=$(debian_rootfs)
layout=$BENCH_CACHE/debian-oci
[ -f "$layout/index.json" ] || "$REPO_ROOT/bench/pull/make-image.sh" "$rootfs" "$layout" bench
port=$(start_registry "$work")
image=127.0.0.1:$port/bench/debian:bench
skopeo copy --quiet --dest-tls-verify=false "oci:$layout:bench" "docker://$image"

hyperfine --runs "$runs" --export-json "$work/unpack.json" \
  --prepare "rm -rf $work/ours" -n ours "$unpack $layout bench $work/ours" \
  --prepare "rm -rf $work/umoci" -n umoci "umoci unpack --image $layout:bench $work/umoci" \
  --prepare "$REPO_ROOT/bench/pull/fresh-engine.sh dockerd $work $port" \
  -n "dockerd pull+extract" "docker -H unix://$work/dockerd/engine.sock pull -q $image"
print_ratios "$work/unpack.json"
