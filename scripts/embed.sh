#!/usr/bin/env bash
# Build the embeddable elements into dist-embed/: qufabric-sso.js (import it to define
# <qufabric-identity-providers> and <qufabric-groups-settings>), the wasm-bindgen glue and
# the optimised wasm. The glue and the wasm carry a content hash in their names
# (qufabric-sso-glue-<hash>.js, qufabric-sso-<hash>.wasm) and the entry names them, so a
# host can cache those two for ever and only the small entry briefly (README, Embedding).
# Installs what it needs (scripts/setup.sh) and prints the gzip -9 size (scripts/size.sh
# sets it beside the standalone bundles and their budgets).
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
# Content-hashed names; the entry is rewritten to import them (and checked to have been).
"$ROOT/scripts/minify.sh" "$OUT/qufabric_sso_wasm.js"
hash_of() { sha256sum "$1" | cut -c1-16; }
wasm_name="qufabric-sso-$(hash_of "$OUT/qufabric_sso_wasm_bg.wasm").wasm"
glue_name="qufabric-sso-glue-$(hash_of "$OUT/qufabric_sso_wasm.js").js"
mv "$OUT/qufabric_sso_wasm_bg.wasm" "$OUT/$wasm_name"
mv "$OUT/qufabric_sso_wasm.js" "$OUT/$glue_name"
sed -e "s|'./qufabric_sso_wasm.js'|'./$glue_name'|" -e "s|'./qufabric_sso_wasm_bg.wasm'|'./$wasm_name'|" \
  "$ROOT/embed/qufabric-sso.js" > "$OUT/qufabric-sso.js"
if ! grep -q "'./$glue_name'" "$OUT/qufabric-sso.js" || ! grep -q "'./$wasm_name'" "$OUT/qufabric-sso.js"; then
  echo "embed/qufabric-sso.js no longer names ./qufabric_sso_wasm.js and ./qufabric_sso_wasm_bg.wasm" >&2
  exit 1
fi
"$ROOT/scripts/minify.sh" "$OUT/qufabric-sso.js"
# The integration kit: the elements' types, and their place in React's JSX.
cp "$ROOT/embed/qufabric-sso.d.ts" "$ROOT/embed/qufabric-sso-react.d.ts" "$OUT/"
# The marks of Pocket ID (BSD-2-Clause) and ZITADEL (Apache-2.0) are drawn from inside the
# wasm: their notices go with it (not loaded by any page).
mkdir -p "$OUT/NOTICES"
cp "$ROOT/public/ICONS.md" "$ROOT/public/icons/LICENSE-pocket-id.txt" \
  "$ROOT/public/icons/LICENSE-zitadel-apache-2.0.txt" "$OUT/NOTICES/"
step "Sizes (gzip -9)"
embed_total=0
for file in "$OUT"/*.js "$OUT"/*.wasm; do
  embed_total=$((embed_total + $(gzip -9 -c "$file" | wc -c)))
done
printf 'embed module (dist-embed/):  %7d bytes (%d.%d KB)\n' "$embed_total" $((embed_total / 1024)) $(((embed_total % 1024) * 10 / 1024))
