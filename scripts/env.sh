# Sourced by the other scripts: where things are, and a build cache outside the clone so
# repeated runs on one machine are fast while a new machine still works.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/qufabric-target}"
export PATH="$ROOT/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
CARGO_MUTANTS_VERSION=27.1.0

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
