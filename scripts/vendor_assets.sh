#!/usr/bin/env bash
# Re-fetch the JavaScript/CSS the map uses from the npm registry into static/vendor/.
# The page never loads anything from a CDN: Streamlit serves static/ at app/static/ to the map's
# frame (server.enableStaticServing), and geo/mapview.py inlines the same files into a
# self-contained map.
# Usage: bash scripts/vendor_assets.sh   (needs npm; run from anywhere)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# package@version  files to keep (relative to the unpacked package/)
PACKAGES=(
  "leaflet@1.9.4|dist/leaflet.js dist/leaflet.css dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png dist/images/layers.png dist/images/layers-2x.png LICENSE"
  "leaflet.markercluster@1.5.3|dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css MIT-LICENCE.txt"
)

for entry in "${PACKAGES[@]}"; do
  spec="${entry%%|*}"; files="${entry#*|}"
  name="${spec%@*}"
  ( cd "$TMP" && npm pack --silent "$spec" >/dev/null )
  tgz="$(ls "$TMP"/*.tgz | head -n1)"
  mkdir -p "$TMP/unpack" && tar -xzf "$tgz" -C "$TMP/unpack"
  rm -rf "$DEST/$name"; mkdir -p "$DEST/$name"
  for f in $files; do
    mkdir -p "$DEST/$name/$(dirname "${f#dist/}")"
    cp "$TMP/unpack/package/$f" "$DEST/$name/${f#dist/}"
  done
  echo "$spec" > "$DEST/$name/VERSION"
  rm -rf "$TMP/unpack" "$tgz"
  echo "vendored $spec -> static/vendor/$name"
done
