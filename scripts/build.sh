#!/usr/bin/env bash
# Build the standalone dashboard (release) into dist/: three Trunk builds of index.html,
# each with the cargo feature that chooses its pages (src/routes.rs), combined.
#   login.html       the login screen, `/` and not found (--features login-pages)
#   onboarding.html  the pages seen once: setup, an invitation, the redirect-URI help
#                    (--features onboarding-pages)
#   settings.html    the settings and the sign-in callback (--features settings-pages)
# The wasm-bindgen glue of each is minified (scripts/minify.sh, which keeps Trunk's
# integrity hashes true). Trunk empties its dist folder on every build, so each build goes to a folder of its own
# under the cargo target directory first. Their file names carry content hashes, so the
# builds never overwrite each other's files; the files both have (stylesheet, icons) are the
# same bytes, which is checked. The reference server's --dist takes the combined folder
# and answers each path with its build's page (server/src/web.rs).
# Installs what is missing first (scripts/setup.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
STAGE="$CARGO_TARGET_DIR/bundles"
OUT="$ROOT/dist"
for bundle in login onboarding settings; do
  step "Release build of the $bundle bundle"
  trunk build --release --no-default-features --features "$bundle-pages" \
    --dist "$STAGE/$bundle" --html-output "$bundle.html"
  "$ROOT/scripts/minify.sh" "$(ls "$STAGE/$bundle"/qufabric-dashboard-*.js)" "$STAGE/$bundle/$bundle.html"
done
rm -rf "$OUT"
mkdir -p "$OUT"
for bundle in login onboarding settings; do
  (cd "$STAGE/$bundle" && find . -type f) | while IFS= read -r file; do
    if [ -e "$OUT/$file" ]; then
      cmp -s "$STAGE/$bundle/$file" "$OUT/$file" || { echo "two different files named $file" >&2; exit 1; }
    else
      mkdir -p "$(dirname "$OUT/$file")"
      cp "$STAGE/$bundle/$file" "$OUT/$file"
    fi
  done
done
echo "dist/: $(cd "$OUT" && ls ./*.html | tr '\n' ' ')"
