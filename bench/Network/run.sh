#!/usr/bin/env bash
# Published ports, side by side in one run (issue 19): requests per second through a port published on loopback, our
# engine (nftables DNAT in the table it owns) vs dockerd (Debian's docker.io, its docker-proxy: --iptables=false, so it
# changes no firewall rule of the host and every connection goes through the proxy, as loopback ones do by default).
# Each engine runs one busybox httpd container (-p 127.0.0.1:PORT:8080) from the same loopback registry, and
# `ab -n REQUESTS -c 32` (a new connection per request: busybox httpd has no keep-alive) GETs a small page from it.
# Prints each engine's requests per second (and the CPU time docker-proxy spent on them), the same straight to each
# container's address (the ceiling: what busybox httpd itself serves on this machine), and ours / dockerd's (target >= 2).
# Not a test: run it by hand, as root. Usage: bench/Network/run.sh [REQUESTS] (default 20000)
set -euo pipefail
requests=${1:-20000}
source "$(dirname "$0")/../lib.sh"
need_packages docker-registry skopeo docker.io apache2-utils busybox-static python3 curl
dotnet build "$REPO_ROOT/src/Containers.Engine" -c Release -nologo -v q >/dev/null
work=$(mktemp -d /var/tmp/bench-network.XXXX)
engines=(ours dockerd)
declare -A cli=([ours]="docker -H unix://$work/ours/engine.sock" [dockerd]="docker -H unix://$work/dockerd/engine.sock")
cleanup() {
  for e in "${engines[@]}"; do ${cli[$e]} rm -f bench-web >/dev/null 2>&1 || true; done
  cleanup_bench_work
  # dockerd leaves the bridge it made behind: delete it when it is the one made here (its --bip address).
  if ip -br addr show docker0 2>/dev/null | grep -q "10.254.253.1/24"; then ip link del docker0; fi
}
trap cleanup EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the figures are only comparable side by side)"
busybox_in_registry "$work"
"$REPO_ROOT/bench/pull/fresh-engine.sh" ours "$work" "$port"
# dockerd with its bridge network and its userland proxy, but no iptables rules.
start_dockerd_with_bridge "$work" "$port"

# utime + stime of a process, in clock ticks (0 without one).
proxy_cpu_ticks() { [ -n "$1" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }

declare -A host_port rps
web='mkdir -p /www && echo hello >/www/index.html && exec httpd -f -p 8080 -h /www'
for e in "${engines[@]}"; do
  ${cli[$e]} pull -q "$image" >/dev/null
  host_port[$e]=$(free_port)
  ${cli[$e]} run -d --name bench-web -p "127.0.0.1:${host_port[$e]}:8080" "$image" sh -c "$web" >/dev/null
  url="http://127.0.0.1:${host_port[$e]}/index.html"
  for _ in $(seq 100); do [ "$(curl -s "$url" || true)" = hello ] && break; sleep 0.1; done
  [ "$(curl -s "$url")" = hello ] || { echo "$e: $url does not answer" >&2; exit 1; }
done

echo
echo "== GET through a port published on 127.0.0.1: ab -n $requests -c 32 (a connection per request)"
for e in "${engines[@]}"; do
  url="http://127.0.0.1:${host_port[$e]}/index.html"
  ab -q -n 1000 -c 32 "$url" >/dev/null # warm-up
  proxy=$(pgrep -f "docker-proxy .*-host-port ${host_port[$e]}( |$)" || true)
  before=$(proxy_cpu_ticks "$proxy")
  ab -q -n "$requests" -c 32 "$url" >"$work/ab-$e.txt"
  used=$(( $(proxy_cpu_ticks "$proxy") - before ))
  rps[$e]=$(awk '/^Requests per second/ {print $4}' "$work/ab-$e.txt")
  failed=$(awk '/^Failed requests/ {print $3}' "$work/ab-$e.txt")
  printf '%-8s %10s requests/s (%s failed), %s; CPU of a userland proxy: %s\n' "$e" "${rps[$e]}" "$failed" \
    "$(awk '/^Time per request.*\(mean\)$/ {print $4 " ms per request"}' "$work/ab-$e.txt")" \
    "$([ -n "$proxy" ] && echo "docker-proxy $(echo "scale=2; $used / $(getconf CLK_TCK)" | bc) s" || echo "none (kernel DNAT)")"
done
echo
echo "== the ceiling: the same GETs straight to each container's address (no NAT, no proxy; the server's own cost)"
for e in "${engines[@]}"; do
  ip=$(${cli[$e]} inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' bench-web)
  ab -q -n "$requests" -c 32 "http://$ip:8080/index.html" >"$work/ab-direct-$e.txt"
  printf '%-8s %10s requests/s straight to %s\n' "$e" "$(awk '/^Requests per second/ {print $4}' "$work/ab-direct-$e.txt")" "$ip"
done
echo
python3 - "${rps[ours]}" "${rps[dockerd]}" <<'PY'
import sys
ours, dockerd = float(sys.argv[1]), float(sys.argv[2])
print(f"ours / dockerd: {ours / dockerd:.2f}x (target >= 2x: {'met' if ours >= 2 * dockerd else 'missed'})")
PY
