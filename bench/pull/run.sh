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

setup_registry_with_debian_image pull

hyperfine --runs "$runs" --export-json "$work/pull.json" \
  --prepare "$here/fresh-engine.sh ours $work $port" \
  -n ours "docker -H unix://$work/ours/engine.sock pull -q $image" \
  --prepare "$here/fresh-engine.sh dockerd $work $port" \
  -n dockerd "docker -H unix://$work/dockerd/engine.sock pull -q $image" \
  --prepare "rm -rf $work/skopeo-out" \
  -n skopeo "skopeo copy --quiet --src-tls-verify=false docker://$image oci:$work/skopeo-out:bench"
print_ratios "$work/pull.json"
