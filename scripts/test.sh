#!/usr/bin/env bash
# Run every test layer and print the counts:
#   1. formatting, file length (300 lines at most in src/) and clippy (native and wasm32,
#      warnings are errors)
#   2. native unit and integration tests (model, reference server), and mutation tests of
#      the role rules (cargo mutants: no mutant may survive)
#   3. browser component tests (wasm-bindgen-test in headless Chromium)
#   4. release builds: the dashboard's three bundles (login, onboarding, settings) and the embeddable
#      elements, with their download sizes (gzip -9), failing above their budgets, the
#      elements' TypeScript declarations checked by tsc, and the Next.js host built
#   5. full-stack e2e tests (reference server + stand-in PocketID + Chromium, and the
#      elements in the example host page and in the Next.js host)
# Installs what is missing first (scripts/setup.sh). Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
LOG_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG_DIR"' EXIT

step "Formatting"
cargo fmt --all -- --check

step "File length (no dashboard source file over 300 lines)"
long_files=$(find src -name '*.rs' -exec awk 'END { if (NR > 300) print FILENAME ": " NR " lines" }' {} \;)
if [ -n "$long_files" ]; then
  echo "$long_files"
  exit 1
fi

step "Clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings
step "Clippy (wasm32)"
cargo clippy -p qufabric-dashboard --target wasm32-unknown-unknown --all-targets -- -D warnings
step "Clippy (wasm32, the login, onboarding and settings bundles on their own)"
for pages in login-pages onboarding-pages settings-pages; do
  cargo clippy -p qufabric-dashboard --target wasm32-unknown-unknown --no-default-features --features "$pages" --lib --bins -- -D warnings
done
step "Clippy (wasm32, the embeddable elements)"
cargo clippy -p qufabric-dashboard --target wasm32-unknown-unknown --features embed --lib -- -D warnings

step "Native tests (model, reference server)"
cargo test -p qufabric-model -p qufabric-server 2>&1 | tee "$LOG_DIR/native.log"

step "Mutation tests: every mutant of the role rules must be caught (cargo mutants)"
cargo mutants -p qufabric-model --file model/src/role_rules.rs -j 1 --output "$LOG_DIR" -- --lib 2>&1 | tee "$LOG_DIR/mutants.log"

step "Browser component tests (wasm-bindgen-test, headless Chromium)"
cargo test -p qufabric-dashboard --target wasm32-unknown-unknown --tests 2>&1 | tee "$LOG_DIR/wasm.log"

step "Release builds of the dashboard (login, onboarding and settings bundles)"
"$ROOT/scripts/build.sh"
step "Release build of the embeddable elements"
"$ROOT/scripts/embed.sh"
step "The elements' TypeScript declarations (tsc, strict: plain DOM, and React 19's JSX)"
(cd "$ROOT/e2e" && npx tsc -p types/tsconfig.dom.json && npx tsc -p types/tsconfig.react.json)
step "The Next.js host's production build (next build: static export, its TypeScript checked against the elements' declarations)"
(cd "$ROOT/examples/next-host" && NEXT_TELEMETRY_DISABLED=1 npx next build)
step "Download sizes against their budgets (gzip -9)"
"$ROOT/scripts/size.sh" | tee "$LOG_DIR/size.log"

step "Full-stack e2e tests"
cargo build -p qufabric-server
(cd "$ROOT/e2e" && node --test --test-concurrency=1 --test-reporter=spec tests/) 2>&1 | tee "$LOG_DIR/e2e.log"

sum_cargo() {
  grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\1 \2 \3/' \
    | awk '{p+=$1; f+=$2; i+=$3} END {printf "%d passed, %d failed, %d ignored", p, f, i}'
}
e2e_count() {
  local pass fail
  pass=$(grep -E '^ℹ pass ' "$1" | awk '{print $3}')
  fail=$(grep -E '^ℹ fail ' "$1" | awk '{print $3}')
  printf '%s passed, %s failed' "${pass:-0}" "${fail:-0}"
}
step "Summary"
echo "native tests:            $(sum_cargo "$LOG_DIR/native.log")"
echo "role rules mutants:      $(grep -E 'mutants tested' "$LOG_DIR/mutants.log" | tail -1)"
echo "browser component tests: $(sum_cargo "$LOG_DIR/wasm.log")"
echo "e2e tests:               $(e2e_count "$LOG_DIR/e2e.log")"
grep -E '^TOTAL ' "$LOG_DIR/size.log" | sed -E 's/^TOTAL ([a-z]+ [a-z]+) +[0-9]+ +\((.*)\)$/\1:|\2/' | awk -F'|' '{printf "%-25s%s\n", $1, $2}'
echo "screenshots:             $ROOT/e2e/screenshots/"
