#!/usr/bin/env bash
# Builds an OCI layout of the Debian root filesystem split into several gzip layers (an independent, plain
# tar + gzip + sha256sum producer), so every tool in the benchmark pulls the very same bytes.
# Usage: make-image.sh ROOTFS OUT_LAYOUT_DIR TAG
set -euo pipefail
rootfs=$1; out=$2; tag=$3
rm -rf "$out"; mkdir -p "$out/blobs/sha256"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Layer groups: the big directories on their own, everything else last.
groups=("usr/lib" "usr/share" "usr/bin usr/sbin usr/libexec usr/include usr/local usr/games usr/src")
rest=$(cd "$rootfs" && ls -A | grep -vx usr | tr '\n' ' ')
groups+=("$rest")

layers=(); diff_ids=()
for g in "${groups[@]}"; do
  # shellcheck disable=SC2086
  present=$(cd "$rootfs" && for p in $g; do [ -e "$p" ] && echo "$p"; done || true)
  [ -n "$present" ] || continue # a small root filesystem has no such directories
  # shellcheck disable=SC2086
  (cd "$rootfs" && tar --sort=name --numeric-owner --xattrs -cf "$work/layer.tar" $present)
  diff_ids+=("sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)")
  gzip -n -6 -c "$work/layer.tar" >"$work/layer.tar.gz"
  d=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
  mv "$work/layer.tar.gz" "$out/blobs/sha256/$d"
  layers+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$(stat -c %s "$out/blobs/sha256/$d")}")
done

ids=$(printf '"%s",' "${diff_ids[@]}"); ids=${ids%,}
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-01T00:00:00Z\",\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":[\"bash\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$ids]},\"history\":[]}"
printf '%s' "$config" >"$work/config.json"
cd_=$(sha256sum "$work/config.json" | cut -d' ' -f1); mv "$work/config.json" "$out/blobs/sha256/$cd_"
ls_=$(IFS=,; echo "${layers[*]}")
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$cd_\",\"size\":${#config}},\"layers\":[$ls_]}"
printf '%s' "$manifest" >"$work/manifest.json"
md=$(sha256sum "$work/manifest.json" | cut -d' ' -f1); msize=$(stat -c %s "$work/manifest.json"); mv "$work/manifest.json" "$out/blobs/sha256/$md"
printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' "$md" "$msize" "$tag" >"$out/index.json"
du -sh --apparent-size "$rootfs" | sed 's/^/rootfs size: /'
echo "layers: ${#layers[@]}, compressed: $(du -sh "$out/blobs" | cut -f1)"
