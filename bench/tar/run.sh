#!/bin/bash
# System.Formats.Tar (+ libzstd) vs SharpCompress on one layer made from host directories (issue 14: which tar reader).
# usage: bench/tar/run.sh [RUNS] [DIR...]   (default dirs: /usr/include /usr/lib/python3.11, ~185 MB, ~14k entries)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-5}; shift || true
dirs=("$@"); [ ${#dirs[@]} -gt 0 ] || dirs=(/usr/include /usr/lib/python3.11)
work=/var/tmp/containers-bench/tar
mkdir -p "$work"
layer=$work/layer.tar
if [ ! -f "$layer" ]; then
    # Relative names, numeric owners, no xattrs: the shape of an image layer.
    tar --numeric-owner -C / -cf "$layer" "${dirs[@]#/}"
    gzip -6 -c "$layer" > "$layer.gz"
    zstd -q -3 -c "$layer" > "$layer.zst"
fi
dotnet run -c Release --project "$here/TarBench.csproj" -- "$layer" "$runs"
