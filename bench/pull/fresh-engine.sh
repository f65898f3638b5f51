#!/usr/bin/env bash
# Stops an engine, wipes its data-root and starts it again empty, so every pull starts from nothing.
# Usage: fresh-engine.sh ours|dockerd WORKDIR REGISTRY_PORT
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
kind=$1; work=$2; port=$3
dir=$work/$kind
if [ -f "$dir/pid" ]; then
  kill -TERM "$(cat "$dir/pid")" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$(cat "$dir/pid")" 2>/dev/null || break; sleep 0.1; done
fi
umount -R "$dir/data" 2>/dev/null || true
rm -rf "$dir"; mkdir -p "$dir"
case $kind in
  ours)
    start_ours "$dir"
    ;;
  dockerd)
    # Docker's own networking is off: the pull needs none and the host stays untouched.
    setsid dockerd -H "unix://$dir/engine.sock" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
      --insecure-registry "127.0.0.1:$port" --bridge=none --iptables=false --ip-masq=false --storage-driver=overlay2 \
      --containerd-namespace bench --containerd-plugins-namespace bench-plugins >"$dir/log" 2>&1 < /dev/null &
    ;;
esac
[ "$kind" = ours ] || echo $! >"$dir/pid"
wait_for_socket "$dir/engine.sock" 60
