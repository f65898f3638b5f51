# Shared helpers for the whole-command benchmarks (sourced by bench/*/run.sh).
set -euo pipefail

BENCH_CACHE=${BENCH_CACHE:-/var/tmp/containers-bench}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

need_packages() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for_socket() { # path, seconds
  for _ in $(seq $(( $2 * 10 ))); do [ -S "$1" ] && curl -sf --unix-socket "$1" http://x/_ping >/dev/null && return 0; sleep 0.1; done
  echo "no engine answered on $1" >&2; return 1
}

# The Debian mirror this machine's own apt configuration uses for the release it runs (another machine may use
# another mirror); "apt-get update" first, since indextargets only lists what apt has fetched.
debian_mirror() { # codename
  apt-get update -qq
  local uri
  uri=$(apt-get indextargets --format '$(REPO_URI) $(CODENAME) $(COMPONENT)' 'Identifier: Packages' \
    | awk -v c="$1" '$2 == c && $3 == "main" { print $1; exit }')
  [ -n "$uri" ] || { echo "no apt source for Debian $1 main in this machine's apt configuration" >&2; return 1; }
  echo "$uri"
}

# A Debian minbase root filesystem of the host's own release (~200 MB), made once and cached.
debian_rootfs() {
  local dir=$BENCH_CACHE/rootfs codename
  mkdir -p "$BENCH_CACHE"
  if [ ! -f "$BENCH_CACHE/rootfs.done" ]; then
    need_packages debootstrap
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    rm -rf "$dir"
    if ! debootstrap --variant=minbase "$codename" "$dir" "$(debian_mirror "$codename")" >"$BENCH_CACHE/debootstrap.log" 2>&1; then
      tail -20 "$BENCH_CACHE/debootstrap.log" >&2; return 1
    fi
    touch "$BENCH_CACHE/rootfs.done"
  fi
  echo "$dir"
}

# Starts Debian's docker-registry on a free loopback port with temporary storage; prints the port.
start_registry() { # workdir
  local port; port=$(free_port)
  mkdir -p "$1/registry"
  cat >"$1/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $1/registry
http:
  addr: 127.0.0.1:$port
log:
  level: error
YML
  docker-registry serve "$1/registry.yml" >"$1/registry.log" 2>&1 &
  echo $! >"$1/registry.pid"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
  echo "$port"
}

# Prints "name median_seconds" for each command in a hyperfine JSON export, then each one's ratio to the first.
print_ratios() { # hyperfine.json
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
print(f"{'command':<40} {'median s':>10} {'ratio to ' + results[0]['command'][:20]:>30}")
for r in results:
    print(f"{r['command'][:40]:<40} {r['median']:>10.3f} {r['median'] / base:>30.2f}")
PY
}

# The common set-up of the image benchmarks: a work directory (removed on exit, stopping any engine and the registry
# started in it), the Debian test image as an OCI layout, and a loopback registry holding it.
# Sets: work, layout, port, image.
setup_registry_with_debian_image() { # name-of-work-directory
  work=$(mktemp -d "/var/tmp/bench-$1.XXXX")
  trap cleanup_bench_work EXIT
  local rootfs; rootfs=$(debian_rootfs)
  layout=$BENCH_CACHE/debian-oci
  [ -f "$layout/index.json" ] || "$REPO_ROOT/bench/pull/make-image.sh" "$rootfs" "$layout" bench
  port=$(start_registry "$work")
  image=127.0.0.1:$port/bench/debian:bench
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout:bench" "docker://$image"
  echo "image: $image ($(du -sh "$layout/blobs" | cut -f1) compressed)"
}

cleanup_bench_work() {
  for k in ours dockerd; do [ -f "$work/$k/pid" ] && kill -TERM "$(cat "$work/$k/pid")" 2>/dev/null || true; done
  [ -f "$work/registry.pid" ] && kill "$(cat "$work/registry.pid")" 2>/dev/null || true
  sleep 2; umount -R "$work/dockerd/data" 2>/dev/null || true; rm -rf "$work"
}
