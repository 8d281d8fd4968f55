#!/usr/bin/env bash
# Minify a JavaScript module in place (esbuild, from e2e/'s npm packages): the glue
# wasm-bindgen writes is not minified by Trunk or wasm-bindgen (about −2 KB gzip per
# bundle). With HTML files after it, their Subresource Integrity hash for the file
# (Trunk's `integrity=` on the module preload) is set to the minified bytes; the script
# fails if a named HTML file does not name the file.
# Usage: minify.sh FILE.js [PAGE.html ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
file=$1
shift
esbuild --log-level=warning --minify --format=esm --target=es2022 "$file" > "$file.min"
mv "$file.min" "$file"
name=$(basename "$file")
digest="sha384-$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha384(open(sys.argv[1],"rb").read()).digest()).decode())' "$file")"
for html in "$@"; do
  grep -q "href=/$name integrity=" "$html" || { echo "$html has no integrity for /$name" >&2; exit 1; }
  sed -i -E "s|(href=/$name integrity=)sha384-[A-Za-z0-9+/=]+|\1$digest|" "$html"
done
