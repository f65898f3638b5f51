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

# Podman with private configuration and storage under WORKDIR/podman: runc, limits this host allows (its defaults exceed
# the hard limits), cgroupfs and file events (no systemd here), k8s-file logs (no journald). Exports its two variables.
podman_private_config() { # workdir
  export CONTAINERS_CONF=$1/podman/containers.conf CONTAINERS_STORAGE_CONF=$1/podman/storage.conf
  mkdir -p "$1/podman"
  cat >"$CONTAINERS_CONF" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$1/podman/tmp"
CONF
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
graphroot = "$1/podman/root"
runroot = "$1/podman/run"
CONF
}

# The static busybox as a one-layer image in a loopback registry started in WORKDIR. Sets: port, image.
busybox_in_registry() { # workdir
  echo "== image: busybox (static) in one layer, from a loopback registry"
  local rootfs=$1/busybox-rootfs a
  mkdir -p "$rootfs"/{bin,dev,etc,proc,sys,tmp}
  cp /bin/busybox "$rootfs/bin/"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$rootfs/bin/$a"; done
  "$REPO_ROOT/bench/pull/make-image.sh" "$rootfs" "$1/busybox-oci" bench >/dev/null
  port=$(start_registry "$1")
  image=127.0.0.1:$port/bench/busybox:bench
  skopeo copy --quiet --dest-tls-verify=false "oci:$1/busybox-oci:bench" "docker://$image"
}

# Starts our engine in DIR (socket, data and exec roots, daemon.json, log and pid file there), in the background.
start_ours() { # dir
  [ -f "$1/daemon.json" ] || echo '{}' >"$1/daemon.json"
  setsid "$REPO_ROOT/src/Containers.Engine/bin/Release/net10.0/containers-engine" -H "unix://$1/engine.sock" \
    --data-root "$1/data" --exec-root "$1/exec" --config-file "$1/daemon.json" >>"$1/log" 2>&1 < /dev/null &
  echo $! >"$1/pid"
}

# dockerd in WORKDIR/dockerd with a bridge network of its own (a bridge and subnet that meet neither docker0 nor our
# engine's) but no iptables rules, pulling from the loopback registry on PORT; waits for its socket.
start_dockerd_with_bridge() { # workdir port
  mkdir -p "$1/dockerd"
  setsid dockerd -H "unix://$1/dockerd/engine.sock" --data-root "$1/dockerd/data" --exec-root "$1/dockerd/exec" \
    --pidfile "$1/dockerd/dockerd.pid" --insecure-registry "127.0.0.1:$2" --bip 10.254.253.1/24 --iptables=false \
    --ip-masq=false --storage-driver=overlay2 --containerd-namespace bench --containerd-plugins-namespace bench-plugins \
    >"$1/dockerd/log" 2>&1 < /dev/null &
  echo $! >"$1/dockerd/pid"
  wait_for_socket "$1/dockerd/engine.sock" 60
}

# The busybox image (busybox_in_registry), our engine and dockerd started fresh in WORKDIR, and the image pulled by
# both and by podman. Sets: port, image.
busybox_on_three_engines() { # workdir
  busybox_in_registry "$1"
  "$REPO_ROOT/bench/pull/fresh-engine.sh" ours "$1" "$port"
  "$REPO_ROOT/bench/pull/fresh-engine.sh" dockerd "$1" "$port"
  docker -H "unix://$1/ours/engine.sock" pull -q "$image" >/dev/null
  docker -H "unix://$1/dockerd/engine.sock" pull -q "$image" >/dev/null
  podman pull -q --tls-verify=false "$image" >/dev/null
}

# One command through each engine's CLI (the caller's "cli" array: ours, dockerd, podman), $runs runs each with
# hyperfine, exported to JSON; prints the medians and each one's ratio to ours.
three_way() { # json command-args...
  local json=$1; shift
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" \
    -n ours "${cli[ours]} $*" -n dockerd "${cli[dockerd]} $*" -n podman "${cli[podman]} $*" >"${json%.json}.txt"
  print_ratios "$json"
}

# The set-up of a side-by-side benchmark of the three engines: packages, our engine's build, a work directory, podman's
# private configuration. Sets: work, engines, cli (each engine's CLI command line).
three_engines() { # name-of-work-directory
  need_packages docker-registry skopeo docker.io podman runc hyperfine busybox-static python3 curl
  dotnet build "$REPO_ROOT/src/Containers.Engine" -c Release -nologo -v q >/dev/null
  work=$(mktemp -d "/var/tmp/bench-$1.XXXX")
  engines=(ours dockerd podman)
  declare -gA cli=(
    [ours]="docker -H unix://$work/ours/engine.sock"
    [dockerd]="docker -H unix://$work/dockerd/engine.sock"
    [podman]="podman"
  )
  podman_private_config "$work"
}
