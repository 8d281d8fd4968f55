#!/usr/bin/env bash
# Build the embeddable elements into dist-embed/: qufabric-sso.js (import it to define
# <qufabric-identity-providers> and <qufabric-groups-settings>), the wasm-bindgen glue and
# the optimised wasm. Installs what it needs (scripts/setup.sh) and prints the gzip -9
# size beside the standalone bundle's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
OUT="$ROOT/dist-embed"
step "Building the elements (cargo --lib --features embed, wasm-bindgen --target web, wasm-opt -Oz)"
cargo build --lib --release --target wasm32-unknown-unknown -p qufabric-dashboard --features embed
rm -rf "$OUT"
mkdir -p "$OUT"
wasm-bindgen --target web --no-typescript --out-dir "$OUT" --out-name qufabric_sso_wasm \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/qufabric_dashboard.wasm"
# This Rust emits bulk-memory and non-trapping float-to-int instructions by default.
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  -o "$OUT/qufabric_sso_wasm_bg.wasm" "$OUT/qufabric_sso_wasm_bg.wasm"
cp "$ROOT/embed/qufabric-sso.js" "$OUT/"
step "Sizes (gzip -9)"
embed_total=0
for file in "$OUT"/*; do
  embed_total=$((embed_total + $(gzip -9 -c "$file" | wc -c)))
done
printf 'embed module (dist-embed/):  %7d bytes (%d.%d KB)\n' "$embed_total" $((embed_total / 1024)) $(((embed_total % 1024) * 10 / 1024))
if [ -d "$ROOT/dist" ]; then
  standalone=0
  while IFS= read -r file; do
    standalone=$((standalone + $(gzip -9 -c "$file" | wc -c)))
  done < <(find "$ROOT/dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \))
  printf 'standalone (dist/):          %7d bytes (%d.%d KB)\n' "$standalone" $((standalone / 1024)) $(((standalone % 1024) * 10 / 1024))
fi
