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

setup_registry_with_debian_image unpack

hyperfine --runs "$runs" --export-json "$work/unpack.json" \
  --prepare "rm -rf $work/ours" -n ours "$unpack $layout bench $work/ours" \
  --prepare "rm -rf $work/umoci" -n umoci "umoci unpack --image $layout:bench $work/umoci" \
  --prepare "$REPO_ROOT/bench/pull/fresh-engine.sh dockerd $work $port" \
  -n "dockerd pull+extract" "docker -H unix://$work/dockerd/engine.sock pull -q $image"
print_ratios "$work/unpack.json"
