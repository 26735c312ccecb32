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
  "protomaps-leaflet@5.1.0|dist/protomaps-leaflet.js LICENSE"
)
# The packages bundled inside dist/protomaps-leaflet.js (its dependencies, at the ranges its
# package.json asks for): their licences go to static/vendor/protomaps-leaflet/THIRD_PARTY_LICENSES.txt
BUNDLED_IN_PROTOMAPS=(
  "@mapbox/point-geometry@^1.1.0" "@mapbox/vector-tile@^2.0.2" "@protomaps/basemaps@^5.0.0"
  "color2k@^2.0.3" "pbf@^4.0.1" "pmtiles@^3.1.0" "potpack@^1.0.2" "quickselect@^3.0.0" "rbush@^3.0.1"
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

# Licences of the code bundled in protomaps-leaflet.js
OUT="$DEST/protomaps-leaflet/THIRD_PARTY_LICENSES.txt"
echo "Licences of the packages bundled in protomaps-leaflet.js (from npm, at the versions shown)." > "$OUT"
for spec in "${BUNDLED_IN_PROTOMAPS[@]}"; do
  ( cd "$TMP" && npm pack --silent "$spec" >/dev/null )
  tgz="$(ls "$TMP"/*.tgz | head -n1)"
  mkdir -p "$TMP/unpack" && tar -xzf "$tgz" -C "$TMP/unpack"
  version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$TMP/unpack/package/package.json")"
  licence_file="$(ls "$TMP/unpack/package/" | grep -i -E '^licen[cs]e' | head -n1 || true)"
  { printf '\n==== %s@%s ====\n\n' "${spec%@*}" "$version"
    if [ -n "$licence_file" ]; then cat "$TMP/unpack/package/$licence_file"
    else python3 -c 'import json,sys; print("licence (package.json): " + json.load(open(sys.argv[1]))["license"])' "$TMP/unpack/package/package.json"; fi
  } >> "$OUT"
  rm -rf "$TMP/unpack" "$tgz"
done
echo "wrote static/vendor/protomaps-leaflet/THIRD_PARTY_LICENSES.txt"
